import { nowMicros } from '../../shared/clock.js';
import { UsernameReservations } from '../../shared/customers/username-reservations.js';
import {
  persistCustomerJobSchema,
  type PersistCustomerJob,
} from '../../shared/jobs/job-payloads.js';
import { QUEUE_NAMES } from '../../shared/jobs/queue-names.js';
import { CustomerRepository } from '../../shared/repositories/customer.repository.js';
import { CustomerWriteRepository } from '../../shared/repositories/customer-write.repository.js';
import { compileValidator } from '../../shared/validation/ajv.js';
import { GroupCommitter } from '../group-commit.js';
import { batchingOf, type WorkerModule } from '../worker-module.js';
import {
  createCustomerEventPublisher,
  startOutboxRelay,
  type CustomerEventPublisher,
} from './customer-events.publisher.js';
import {
  createPersistCustomerProcessor,
  type PendingCustomerOp,
} from './persist-customer.processor.js';
import type { ReadThroughCache } from '../../shared/cache/read-through-cache.js';
import { usernameKey } from '../../shared/customers/username-key.js';

/**
 * After a batch commits: readers see it at once (cache generation bump), names
 * given up by a rename or delete are freed, and the events go to their queues.
 * A failure here fails the batch; its jobs retry, find their events by op id,
 * and finish these steps (each is idempotent).
 */
function afterCommit(deps: {
  cache: ReadThroughCache;
  reservations: UsernameReservations;
  publish: CustomerEventPublisher;
}) {
  return async (pending: readonly PendingCustomerOp[]): Promise<void> => {
    await deps.cache.invalidate('customers');
    for (const { outcome } of pending) {
      const event = outcome?.event;
      if (!event?.before || event.type === 'insert') continue;
      const before = event.before as { username: string };
      const after = event.after as { username: string; deleted: boolean };
      if (after.deleted || usernameKey(before.username) !== usernameKey(after.username)) {
        await deps.reservations.release(before.username, event.key);
      }
    }
    const unpublished = pending.flatMap(({ outcome }) =>
      outcome?.event && !outcome.published ? [outcome.event] : [],
    );
    await deps.publish(unpublished);
  };
}

function commitWith(
  writes: CustomerWriteRepository,
  then: (pending: readonly PendingCustomerOp[]) => Promise<void>,
) {
  return async (pending: readonly PendingCustomerOp[]): Promise<void> => {
    // Same-customer writes keep their order; sorting by uuid makes lock order stable across batches.
    const ordered = [...pending].sort((a, b) => uuidOf(a).localeCompare(uuidOf(b)));
    const outcomes = await writes.applyAll(ordered.map((p) => p.op));
    ordered.forEach((p, i) => (p.outcome = outcomes[i]));
    await then(ordered);
  };
}

function uuidOf({ op }: PendingCustomerOp): string {
  return op.kind === 'create' ? op.customer.uuid : op.uuid;
}

/** Customers: one transaction per batch (row + event), then cache, reservations, events. */
export const persistCustomersModule: WorkerModule = {
  name: 'persist-customers',
  build({ config, connections, logger, cache, queues, hooks }) {
    const writes = new CustomerWriteRepository(connections.mysql, nowMicros);
    const reservations = new UsernameReservations(connections.queueRedis, config.queue.prefix);
    const mailing = config.mail.to.length + config.mail.cc.length + config.mail.bcc.length > 0;
    if (!mailing) logger.info('customer e-mails off: MAIL_TO, MAIL_CC and MAIL_BCC are empty');
    const publish = createCustomerEventPublisher({
      writes,
      replicate: queues.replicate,
      notify: mailing ? queues.notify : undefined,
    });
    const commit = commitWith(writes, afterCommit({ cache, reservations, publish }));
    const committer = new GroupCommitter<PendingCustomerOp>({
      commitBatch: commit,
      commitOne: (pending) => commit([pending]),
      onBatch: (size) => hooks.onBatch?.(QUEUE_NAMES.persistCustomers, size),
      ...batchingOf(config),
    });
    const relay = startOutboxRelay({
      writes,
      publish,
      intervalMs: config.outbox.relayIntervalMs,
      clock: nowMicros,
      onError: (error) => logger.warn({ err: (error as Error).message }, 'outbox relay failed'),
    });
    const processor = createPersistCustomerProcessor({
      validate: compileValidator<PersistCustomerJob>(persistCustomerJobSchema),
      committer,
      reservations,
      customers: new CustomerRepository(connections.mysql),
      logger,
    });
    return [
      {
        queue: QUEUE_NAMES.persistCustomers,
        processor,
        drain: async () => {
          await committer.drain();
          await relay.stop();
        },
      },
    ];
  },
};
