import { KeyHeads } from '../../shared/infra/queues/key-heads.js';
import type { PersistOrderJob } from '../../shared/domain/writes/order-jobs.js';
import { ordersResource } from '../../shared/domain/resources/orders.resource.js';
import { createQueue } from '../../shared/domain/resources/resource-queues.js';
import type { ShardedQueue } from '../../shared/infra/queues/sharded-queue.js';
import { OrderRepository } from '../../shared/domain/repositories/order.repository.js';
import { batchingOf, type WorkerModule } from '../worker-module.js';
import { createOrderCommitter, createPersistOrderProcessor } from './persist-orders.processor.js';

/** Orders: group-committed to Mongo (journaled bulk writes), then cache invalidation. */
export const persistOrdersModule: WorkerModule = {
  name: 'persist-orders',
  dependencies: ['mongo', 'redis_cache'],
  build({ config, connections, logger, cache, hooks }) {
    const queue = createQueue(
      config,
      connections.queueRedis,
      ordersResource.queue,
    ) as ShardedQueue<PersistOrderJob>;
    const committer = createOrderCommitter({
      orders: new OrderRepository(connections.mongo),
      cache,
      queue,
      onBatch: (size) => hooks.onBatch?.(ordersResource.queue, size),
      ...batchingOf(config),
    });
    return [
      {
        queue: ordersResource.queue,
        processor: createPersistOrderProcessor(
          committer,
          new KeyHeads(connections.queueRedis, {
            prefix: config.queue.prefix,
            settledTtlMs: config.queue.headTtlMs,
          }),
          queue,
          logger,
        ),
        drain: () => committer.drain(),
      },
    ];
  },
};
