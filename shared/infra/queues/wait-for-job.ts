import type { Job } from 'bullmq';
import type { JobCompletions } from './completion-listener.js';

/**
 * Resolves true once the job has completed, false if it fails or `seconds`
 * pass first. The write stays queued either way; this only decides the answer.
 */
export async function waitForJob(
  job: Job,
  events: JobCompletions,
  seconds: number,
): Promise<boolean> {
  if (seconds <= 0) return false;
  try {
    await events.use(job, (listener) => job.waitUntilFinished(listener, seconds * 1000));
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
  events: JobCompletions,
  seconds: number,
): Promise<T | undefined> {
  if (seconds <= 0) return undefined;
  try {
    return (await events.use(job, (listener) =>
      job.waitUntilFinished(listener, seconds * 1000),
    )) as T;
  } catch {
    return undefined;
  }
}
