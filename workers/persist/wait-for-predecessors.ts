import { DelayedError, type Job } from 'bullmq';

/**
 * How long a write waits for the writes before it to land: a quarter of its
 * age, between 20 ms and 1 s, so the usual wait (a predecessor in the next
 * batch) is short, a long one costs little, and a key's backlog moves on
 * within a second of its predecessor landing.
 */
export function predecessorWaitMs(ageMs: number): number {
  return Math.min(1000, Math.max(20, Math.round(ageMs / 4)));
}

/**
 * Puts a job whose key's store is more than one version behind it back to
 * wait (§9): delayed, so it spends no attempt and holds no worker slot, and
 * other keys' jobs go on. Always throws: BullMQ's DelayedError tells the
 * worker the job was moved, not failed.
 */
export async function waitForPredecessors(
  job: Job,
  token: string | undefined,
  what: { key: string; version: number; storedVersion: number },
): Promise<never> {
  await job.moveToDelayed(Date.now() + predecessorWaitMs(Date.now() - job.timestamp), token);
  throw new DelayedError(
    `${what.key} v${what.version} waits for v${what.storedVersion + 1} (the store holds v${what.storedVersion})`,
  );
}
