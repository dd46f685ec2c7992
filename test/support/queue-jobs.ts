import type { Queue } from 'bullmq';

/** Jobs not yet finished in every given queue together (waiting, delayed, prioritized, active). */
export async function unfinishedJobs(
  queues: readonly Pick<Queue, 'getJobCounts'>[],
): Promise<number> {
  const counts = await Promise.all(
    queues.map((queue) => queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active')),
  );
  return counts.flatMap((c) => Object.values(c)).reduce((sum, n) => sum + n, 0);
}
