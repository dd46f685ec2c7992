import { KeyHeads } from '../../shared/jobs/key-heads.js';
import type { PersistOrderJob } from '../../shared/jobs/order-jobs.js';
import { ordersResource } from '../../shared/resources/orders.resource.js';
import { createQueue } from '../../shared/jobs/queues.js';
import type { ShardedQueue } from '../../shared/jobs/sharded-queue.js';
import { OrderRepository } from '../../shared/repositories/order.repository.js';
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
