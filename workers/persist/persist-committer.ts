import type { ReadThroughCache } from '../../shared/infra/cache/read-through-cache.js';
import {
  jobIds,
  type ChangeEvent,
  type Entity,
  type ReplicateJob,
} from '../../shared/domain/writes/write-jobs.js';
import { nowMicros } from '../../shared/infra/process/clock.js';
import { GroupCommitter } from '../group-commit.js';
import type { ShardedQueue } from '../../shared/infra/queues/sharded-queue.js';

/** A write ready to commit, whatever its entity. */
export interface EntityWrite<R extends { id: number }> {
  readonly requestId: string;
  readonly version: number;
  readonly resource: R;
}

export interface PersistCommitterDeps<R extends { id: number }> {
  readonly entity: Entity;
  readonly upsertMany: (writes: readonly EntityWrite<R>[]) => Promise<void>;
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
    type: 'insert',
    entity,
    key,
    before: null,
    after: { ...write.resource },
    version: write.version,
    at: nowMicros(),
    requestId: write.requestId,
  };
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
    await deps.upsertMany(writes);
    await deps.cache.invalidate(deps.entity);
    const events = writes.map((write) => insertEvent(deps.entity, write));
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
