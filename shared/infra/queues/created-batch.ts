import type { Job, JobsOptions } from 'bullmq';
import type { ShardedQueue } from './sharded-queue.js';

/** One job as the caller builds it once its id is known. */
export interface IntakeJob<T> {
  readonly name: string;
  readonly data: T;
  readonly opts: JobsOptions;
}

/** The jobs of a batch of new resources, in input order, and the first of their consecutive ids. */
export interface CreatedJobs<T> {
  readonly first: number;
  readonly jobs: readonly Job<T>[];
}

/**
 * The one enqueue path of a created resource's writes (users, listings,
 * people): a bulk chunk, a write planned under an `Idempotency-Key` and the
 * writes an `IntakeBatcher` coalesced all come here. `count` consecutive
 * counter ids start at `firstId(count)` (one INCRBY for all of them, or the
 * id or block a planned write kept); each job is built with its id, and all
 * go in one addBulk (one MULTI per shard), so the batch is queued whole or
 * not at all. Two Redis round trips per batch, whatever its size.
 */
export async function enqueueCreated<T>(
  queue: ShardedQueue<T>,
  firstId: (count: number) => Promise<number>,
  count: number,
  jobFor: (id: number, index: number) => IntakeJob<T>,
): Promise<CreatedJobs<T>> {
  if (count === 0) return { first: 0, jobs: [] };
  const first = await firstId(count);
  const built: IntakeJob<T>[] = [];
  for (let i = 0; i < count; i++) built.push(jobFor(first + i, i));
  const jobs = await queue.addBulk(built);
  if (jobs.length !== count) throw new Error('addBulk returned another number of jobs');
  return { first, jobs };
}
