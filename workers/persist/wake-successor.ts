import type { Job } from 'bullmq';

/** Where a key's jobs are found by id (the key picks the shard). */
export interface JobsByKey {
  getJob(jobId: string, key: string): Promise<Job | undefined>;
}

/**
 * A key's version landed and its head is further on (§9): the next version's
 * job may be in the delayed set, waiting for this one. Promoting it lets a
 * key's backlog move at the store's pace, not one wait (up to seconds) per
 * version. Best effort: a successor not woken here looks again by itself.
 */
export async function wakeSuccessor(jobs: JobsByKey, key: string, jobId: string): Promise<void> {
  try {
    // BullMQ refuses to promote a job that is not delayed: that is the "nothing to wake" case.
    await (await jobs.getJob(jobId, key))?.promote();
  } catch {
    // Promoted, run or finished meanwhile, or the queue Redis is away: it wakes by itself.
  }
}
