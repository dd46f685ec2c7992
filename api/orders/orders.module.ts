import { KeyHeads } from '../../shared/infra/queues/key-heads.js';
import { QUEUE_NAMES } from '../../shared/infra/queues/queue-names.js';
import { OrderRepository } from '../../shared/domain/repositories/order.repository.js';
import type { ServiceModule } from '../service-module.js';
import { legacyOrderRoutes } from './legacy-orders.routes.js';
import { orderRoutes } from './orders.routes.js';
import { createOrderService } from './orders.service.js';

/** §2.5: the vehicle order service (REST and the legacy `/api/vehicle/order` contract). */
export const ordersModule: ServiceModule = {
  name: 'orders',
  title: 'Spillway vehicle order service',
  // Orders live in Mongo only: MySQL being down does not make this service unready.
  dependencies: ['redis_queue', 'redis_cache', 'mongo'],
  async build({ config, connections, cache, queues, queueEvents }) {
    const orders = new OrderRepository(connections.mongo);
    await orders.ensureIndexes();
    const service = createOrderService({
      queue: queues.persistOrders,
      queueEvents: queueEvents(QUEUE_NAMES.persistOrders),
      cache,
      orders,
      heads: new KeyHeads(connections.queueRedis, {
        prefix: config.queue.prefix,
        settledTtlMs: config.queue.headTtlMs,
      }),
    });
    return {
      routes: [
        ...orderRoutes(service, { ...config.http, bulk: config.bulk }),
        ...legacyOrderRoutes(service, {
          preferWaitMaxSeconds: config.http.preferWaitMaxSeconds,
          legacyWaitSeconds: config.orders.legacyWaitSeconds,
        }),
      ],
      // Orders live in Mongo only: their worker feeds no other queue.
      writeQueues: [queues.persistOrders],
    };
  },
};
