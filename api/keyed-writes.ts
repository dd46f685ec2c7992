import type { Job } from 'bullmq';
import { planWrite } from '../shared/infra/idempotency/idempotent-attempt.js';
import type { KeyHeads, Versioned, VersionedWrite } from '../shared/infra/queues/key-heads.js';
import type { ShardCompletions } from '../shared/infra/queues/completion-listener.js';
import type { ShardedQueue } from '../shared/infra/queues/sharded-queue.js';
import { waitForJob } from '../shared/infra/queues/wait-for-job.js';
import type { WriteMeta } from './write-results.js';

/** Where a resource's writes to existing keys go: its key heads, its persist queue and its completions. */
export interface KeyedWriteDeps<J> {
  readonly heads: KeyHeads;
  readonly queue: ShardedQueue<J>;
  readonly queueEvents: ShardCompletions;
}

/** One write to an existing key, as a resource's service states it. */
export interface KeyedWrite<S extends Versioned, J> {
  /** The key (its queue shard holds its head and every job of it). */
  readonly key: string | number;
  /** The key's state when it has no head: the store then holds every accepted write. */
  load(): Promise<S | null>;
  /** The next state from the current one (null: no such key); throws a 404 or a 412 instead. */
  next(current: S | null): S;
  /** The job that persists the folded write at its version. */
  job(write: VersionedWrite<S>): {
    readonly name: string;
    readonly data: J;
    readonly jobId: string;
  };
}

/** A folded, queued write: the key's states before and at its version, its job, and whether it persisted in time. */
export interface QueuedKeyedWrite<S extends Versioned> {
  readonly write: VersionedWrite<S>;
  readonly job: Job;
  readonly persisted: boolean;
}

/**
 * The one path of a write to an existing key (§9: an order's or a created
 * resource's update or delete): folded onto the key's head, its job added at
 * its version, and the answer waited for if the client asked. Under an
 * `Idempotency-Key`, a retry repeats the first attempt's fold (and job id),
 * whatever the head says by then.
 */
export async function enqueueKeyedWrite<S extends Versioned, J>(
  deps: KeyedWriteDeps<J>,
  write: KeyedWrite<S, J>,
  meta: WriteMeta,
): Promise<QueuedKeyedWrite<S>> {
  const head = { shard: deps.queue.shardFor(write.key).name, key: String(write.key) };
  const folded = await planWrite(meta.idempotency, () =>
    deps.heads.advance(head, write.load, write.next),
  );
  const { name, data, jobId } = write.job(folded);
  const job = await deps.queue.add(name, data, { jobId });
  const persisted = await waitForJob(job, deps.queueEvents, meta.waitSeconds);
  return { write: folded, job, persisted };
}
