import { DelayedError, type Job } from 'bullmq';

/** The longest wait between two looks, for a write this many versions ahead of its store. */
const MAX_WAIT_PER_VERSION_MS = 1000;
const MAX_WAIT_MS = 5000;

/**
 * How long a write waits for the writes before it to land: a quarter of its
 * age, from 20 ms up to a second per version still missing before it (at
 * most 5 s). The usual wait (a predecessor in the next batch) is short; the
 * next write of a key's backlog looks again within a second of its
 * predecessor landing; and the writes further back look less often, since
 * each look costs the store a read and a missed update (a backlog of n
 * writes of one key would otherwise cost n looks a second).
 */
export function predecessorWaitMs(ageMs: number, versionsMissing = 1): number {
  const longest = Math.min(MAX_WAIT_MS, MAX_WAIT_PER_VERSION_MS * Math.max(1, versionsMissing));
  return Math.min(longest, Math.max(20, Math.round(ageMs / 4)));
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
  const missing = what.version - what.storedVersion - 1;
  await job.moveToDelayed(
    Date.now() + predecessorWaitMs(Date.now() - job.timestamp, missing),
    token,
  );
  throw new DelayedError(
    `${what.key} v${what.version} waits for v${what.storedVersion + 1} (the store holds v${what.storedVersion})`,
  );
}
