import type { Job } from 'bullmq';
import type { IntakeJob } from './intake-batcher.js';
import type { ShardedQueue } from './sharded-queue.js';

/** A new resource and the job that persists it, built once its id is known. */
export interface CreatedWrite<R, T> {
  readonly resource: R;
  readonly job: IntakeJob<T>;
}

/**
 * Creates a batch of resources with consecutive counter ids from `firstId`
 * (one INCRBY for all of them, or the block a planned write kept) and one
 * addBulk (one MULTI) for all of their jobs, so the batch is queued whole or
 * not at all. Resolves in input order.
 */
export async function enqueueCreatedBatch<I, R, T>(
  queue: ShardedQueue<T>,
  firstId: (count: number) => Promise<number>,
  items: readonly I[],
  build: (id: number, item: I) => CreatedWrite<R, T>,
): Promise<{ resource: R; job: Job<T> }[]> {
  if (items.length === 0) return [];
  const first = await firstId(items.length);
  const writes = items.map((item, i) => build(first + i, item));
  const jobs = await queue.addBulk(writes.map((write) => write.job));
  if (jobs.length !== writes.length) throw new Error('addBulk returned another number of jobs');
  return writes.map((write, i) => ({ resource: write.resource, job: jobs[i] as Job<T> }));
}
