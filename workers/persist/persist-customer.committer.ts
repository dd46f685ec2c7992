import type { ReadThroughCache } from '../../shared/infra/cache/read-through-cache.js';
import { usernameKey } from '../../shared/domain/customers/username-key.js';
import type { UsernameReservations } from '../../shared/domain/customers/username-reservations.js';
import type { CustomerWriteRepository } from '../../shared/domain/repositories/customer-write.repository.js';
import { GroupCommitter } from '../group-commit.js';
import type { CustomerEventPublisher } from './customer-events.publisher.js';
import type { PendingCustomerOp } from './persist-customer.processor.js';

export interface CustomerCommitterDeps {
  readonly writes: CustomerWriteRepository;
  readonly cache: ReadThroughCache;
  readonly reservations: UsernameReservations;
  readonly publish: CustomerEventPublisher;
  readonly maxBatch: number;
  readonly maxWaitMs: number;
  readonly onBatch?: (size: number) => void;
}

/**
 * After a batch commits: readers see it at once (cache generation bump), names
 * given up by a rename or delete are freed, and the events go to their queues.
 * A failure here fails the batch; its jobs retry, find their events by op id,
 * and finish these steps (each is idempotent).
 */
function afterCommit(deps: CustomerCommitterDeps) {
  return async (pending: readonly PendingCustomerOp[]): Promise<void> => {
    await deps.cache.invalidate('customers');
    const committed = pending.flatMap(({ outcome }) => (outcome?.applied ? [outcome] : []));
    for (const event of committed.flatMap((outcome) => outcome.events)) {
      if (!event.before || event.type === 'insert') continue;
      const before = event.before as { username: string };
      const after = event.after as { username: string; deleted: boolean };
      if (after.deleted || usernameKey(before.username) !== usernameKey(after.username)) {
        await deps.reservations.release(before.username, event.key);
      }
    }
    await deps.publish(committed.flatMap((outcome) => (outcome.published ? [] : outcome.events)));
  };
}

function commitWith(
  writes: CustomerWriteRepository,
  then: (pending: readonly PendingCustomerOp[]) => Promise<void>,
) {
  return async (pending: readonly PendingCustomerOp[]): Promise<void> => {
    // By uuid, so lock order is stable across batches; one customer's writes by version.
    const ordered = [...pending].sort(
      (a, b) =>
        a.op.after.uuid.localeCompare(b.op.after.uuid) || a.op.after.version - b.op.after.version,
    );
    const outcomes = await writes.applyAll(ordered.map((p) => p.op));
    ordered.forEach((p, i) => (p.outcome = outcomes[i]));
    await then(ordered);
  };
}

/**
 * Group commit for customers: one transaction per batch (rows and their
 * outbox events), then cache, username reservations and event publishing.
 */
export function createCustomerCommitter(
  deps: CustomerCommitterDeps,
): GroupCommitter<PendingCustomerOp> {
  const commit = commitWith(deps.writes, afterCommit(deps));
  return new GroupCommitter<PendingCustomerOp>({
    traceName: 'commit customers',
    commitBatch: commit,
    commitOne: (pending) => commit([pending]),
    maxBatch: deps.maxBatch,
    maxWaitMs: deps.maxWaitMs,
    onBatch: deps.onBatch,
  });
}
