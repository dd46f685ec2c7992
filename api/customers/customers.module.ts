import { UsernameReservations } from '../../shared/domain/customers/username-reservations.js';
import { KeyHeads } from '../../shared/infra/queues/key-heads.js';
import { QUEUE_NAMES } from '../../shared/infra/queues/queue-names.js';
import { mailsChanges } from '../../shared/infra/mail/recipients.js';
import { CustomerRepository } from '../../shared/domain/repositories/customer.repository.js';
import type { ServiceModule } from '../service-module.js';
import { customerRoutes } from './customers.routes.js';
import { createCustomerService } from './customers.service.js';

/** §2.4: the customer service (uuids, so no id counter to prepare). */
export const customersModule: ServiceModule = {
  name: 'customers',
  title: 'Spillway customer service',
  dependencies: ['redis_queue', 'redis_cache', 'mysql'],
  async build(context) {
    const service = createCustomerService({
      queue: context.queues.persistCustomers,
      queueEvents: context.queueEvents(QUEUE_NAMES.persistCustomers),
      cache: context.cache,
      customers: new CustomerRepository(context.connections.mysql),
      reservations: new UsernameReservations(
        context.connections.queueRedis,
        context.config.queue.prefix,
      ),
      heads: new KeyHeads(context.connections.queueRedis, {
        prefix: context.config.queue.prefix,
        settledTtlMs: context.config.queue.headTtlMs,
      }),
      logger: context.logger.child({ service: 'customers' }),
    });
    return {
      routes: customerRoutes(service, {
        ...context.config.http,
        bulk: context.config.bulk,
        legacyWaitSeconds: context.config.orders.legacyWaitSeconds,
      }),
      // Each committed change goes on to replicate (Mongo) and, when e-mails are on, notify
      // (SMTP): either one stalled must refuse writes before Redis fills up.
      writeQueues: [
        context.queues.persistCustomers,
        context.queues.replicate,
        ...(mailsChanges(context.config.mail) ? [context.queues.notify] : []),
      ],
    };
  },
};
