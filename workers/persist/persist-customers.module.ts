import { nowMicros } from '../../shared/infra/process/clock.js';
import { UsernameReservations } from '../../shared/domain/customers/username-reservations.js';
import type { PersistCustomerJob } from '../../shared/domain/writes/write-jobs.js';
import { KeyHeads } from '../../shared/infra/queues/key-heads.js';
import { customersResource } from '../../shared/domain/resources/customers.resource.js';
import { createQueue } from '../../shared/domain/resources/resource-queues.js';
import { RedisLock } from '../../shared/infra/locks/redis-lock.js';
import { mailsChanges } from '../../shared/infra/mail/recipients.js';
import { CustomerRepository } from '../../shared/domain/repositories/customer.repository.js';
import { CustomerWriteRepository } from '../../shared/domain/repositories/customer-write.repository.js';
import { compileValidator } from '../../shared/infra/validation/ajv.js';
import { batchingOf, type WorkerModule } from '../worker-module.js';
import { createCustomerEventPublisher, startOutboxRelay } from './customer-events.publisher.js';
import { createCustomerCommitter } from './persist-customer.committer.js';
import { createPersistCustomerProcessor } from './persist-customer.processor.js';

/**
 * How long a dead relay keeps the others out. Renewed while a relay runs, so
 * it bounds only the pause after a crash, not the length of a run.
 */
const RELAY_LEASE_MS = 15_000;

/** Customers: one transaction per batch (row + event), then cache, reservations, events. */
export const persistCustomersModule: WorkerModule = {
  name: 'persist-customers',
  dependencies: ['mysql', 'redis_cache'],
  build({ config, connections, logger, cache, queues, hooks }) {
    const writes = new CustomerWriteRepository(connections.mysql, nowMicros);
    const reservations = new UsernameReservations(connections.queueRedis, config.queue.prefix);
    const mailing = mailsChanges(config.mail);
    if (!mailing) logger.info('customer e-mails off: MAIL_TO, MAIL_CC and MAIL_BCC are empty');
    const publish = createCustomerEventPublisher({
      writes,
      replicate: queues.replicate,
      notify: mailing ? queues.notify : undefined,
    });
    const committer = createCustomerCommitter({
      writes,
      cache,
      reservations,
      publish,
      onBatch: (size) => hooks.onBatch?.(customersResource.queue, size),
      ...batchingOf(config),
    });
    const relay = startOutboxRelay({
      writes,
      publish,
      intervalMs: config.outbox.relayIntervalMs,
      clock: nowMicros,
      onError: (error) => logger.warn({ err: (error as Error).message }, 'outbox relay failed'),
      lease: {
        lock: new RedisLock(connections.queueRedis, config.queue.prefix),
        ttlMs: RELAY_LEASE_MS,
      },
    });
    const processor = createPersistCustomerProcessor({
      validate: compileValidator<PersistCustomerJob>(customersResource.jobSchema),
      committer,
      reservations,
      customers: new CustomerRepository(connections.mysql),
      heads: new KeyHeads(connections.queueRedis, {
        prefix: config.queue.prefix,
        settledTtlMs: config.queue.headTtlMs,
      }),
      jobs: createQueue(config, connections.queueRedis, customersResource.queue),
      logger,
    });
    return [
      {
        queue: customersResource.queue,
        processor,
        drain: async () => {
          await committer.drain();
          await relay.stop();
        },
      },
    ];
  },
};
