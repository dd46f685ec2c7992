import type { ReadThroughCache } from '../../shared/infra/cache/read-through-cache.js';
import {
  jobIds,
  type ChangeEvent,
  type Entity,
  type ReplicateJob,
} from '../../shared/domain/writes/write-jobs.js';
import { nowMicros } from '../../shared/infra/process/clock.js';
import { GroupCommitter } from '../group-commit.js';
import {
  resourceOf,
  type CreatedState,
  type OrderedOutcome,
} from '../../shared/domain/resources/created-resource.js';
import type { VersionedWrite } from '../../shared/infra/queues/key-heads.js';
import type { ShardedQueue } from '../../shared/infra/queues/sharded-queue.js';

/** A write ready to commit, whatever its entity. */
export interface EntityWrite<R extends { id: number }> {
  readonly requestId: string;
  readonly version: number;
  readonly resource: R;
  /** A later write's resource as it was just before it (§9); absent for a create. */
  readonly before?: R | null;
  /** A delete: the resource becomes a tombstone at this version. */
  readonly deleted?: boolean;
  /** Filled in by a commit in key order: landed, or waiting for the versions between. */
  outcome?: OrderedOutcome<R>;
}

export interface PersistCommitterDeps<R extends { id: number }> {
  readonly entity: Entity;
  readonly upsertMany: (writes: readonly EntityWrite<R>[]) => Promise<void>;
  /** For a resource that takes updates: writes applied in key order (§9). */
  readonly applyInOrder?: (
    writes: readonly VersionedWrite<CreatedState<R>>[],
  ) => Promise<OrderedOutcome<R>[]>;
  readonly cache: ReadThroughCache;
  readonly changeEvents: ShardedQueue<ReplicateJob>;
  readonly maxBatch: number;
  readonly maxWaitMs: number;
  readonly onBatch?: (size: number) => void;
}

/** The change event of a created resource; deterministic, so a replayed write yields the same event. */
export function insertEvent<R extends { id: number }>(
  entity: Entity,
  write: EntityWrite<R>,
): ChangeEvent {
  const key = String(write.resource.id);
  return {
    id: jobIds.changeEvent(entity, key, write.version),
    type: write.version === 1 ? 'insert' : write.deleted ? 'delete' : 'update',
    entity,
    key,
    before: write.before ? { ...write.before } : null,
    // A tombstone's copy is marked deleted too (the replica keeps it, like MySQL).
    after: write.deleted ? { ...write.resource, deleted: true } : { ...write.resource },
    version: write.version,
    at: nowMicros(),
    requestId: write.requestId,
  };
}

/** A write as it is applied in key order: the resource just before it and at its version. */
function versionedWrite<R extends { id: number }>(
  write: EntityWrite<R>,
): VersionedWrite<CreatedState<R>> {
  const before = write.before ? { ...write.before, version: write.version - 1 } : null;
  const after = { ...write.resource, version: write.version };
  return { before, after: write.deleted ? { ...after, deleted: true } : after };
}

/**
 * The events of writes applied in key order: each version a write stored (a
 * replayed write's own again, in case its first commit never got its events
 * out; replication skips what it has).
 */
function orderedEvents<R extends { id: number }>(
  entity: Entity,
  writes: readonly EntityWrite<R>[],
): ChangeEvent[] {
  return writes.flatMap((write) => {
    const { outcome } = write;
    if (!outcome?.landed) return [];
    if (outcome.stored.length === 0) return [insertEvent(entity, write)];
    return outcome.stored.map(({ before, after }) =>
      insertEvent(entity, {
        requestId: write.requestId,
        version: after.version,
        resource: resourceOf(after),
        before: before && resourceOf(before),
        deleted: after.deleted === true,
      }),
    );
  });
}

/**
 * Group commit for one entity: one multi-row statement per batch, then the
 * collection's cache generation is bumped (readers see the write at once),
 * then the group's change events go to replication as one job. A job completes
 * only after all three, so a crash in between retries the whole, idempotent, step.
 */
export function createPersistCommitter<R extends { id: number }>(
  deps: PersistCommitterDeps<R>,
): GroupCommitter<EntityWrite<R>> {
  const commitBatch = async (writes: readonly EntityWrite<R>[]): Promise<void> => {
    let events: ChangeEvent[];
    // Creates alone (every write of a resource without updates) take one plain upsert.
    if (deps.applyInOrder && writes.some((write) => write.version > 1)) {
      const outcomes = await deps.applyInOrder(writes.map(versionedWrite));
      writes.forEach((write, i) => (write.outcome = outcomes[i]));
      events = orderedEvents(deps.entity, writes);
    } else {
      await deps.upsertMany(writes);
      events = writes.map((write) => insertEvent(deps.entity, write));
    }
    await deps.cache.invalidate(deps.entity);
    if (events.length === 0) return;
    const jobId = jobIds.changeBatch(
      deps.entity,
      events.map((event) => event.id),
    );
    await deps.changeEvents.add(`${deps.entity}.inserts`, { events }, { jobId });
  };
  return new GroupCommitter<EntityWrite<R>>({
    traceName: `commit ${deps.entity}`,
    commitBatch,
    commitOne: (write) => commitBatch([write]),
    maxBatch: deps.maxBatch,
    maxWaitMs: deps.maxWaitMs,
    onBatch: deps.onBatch,
  });
}
