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

/**
 * Like waitForJob, but resolves with the job's return value once it completed,
 * or undefined if it fails or `seconds` pass first.
 */
export async function waitForJobResult<T>(
  job: Job,
  events: QueueEvents,
  seconds: number,
): Promise<T | undefined> {
  if (seconds <= 0) return undefined;
  try {
    return (await job.waitUntilFinished(events, seconds * 1000)) as T;
  } catch {
    return undefined;
  }
}
