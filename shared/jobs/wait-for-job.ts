import type { Job, QueueEvents } from 'bullmq';

/**
 * Resolves true once the job has completed, false if it fails or `seconds`
 * pass first. The write stays queued either way; this only decides the answer.
 */
export async function waitForJob(job: Job, events: QueueEvents, seconds: number): Promise<boolean> {
  if (seconds <= 0) return false;
  try {
    await job.waitUntilFinished(events, seconds * 1000);
    return true;
  } catch {
    return false;
  }
}
