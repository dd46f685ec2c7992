import { within } from './within.js';

export type ReadinessCheck = () => Promise<void>;

/** A check that has not answered by then counts as down: a hung dependency must not hang a probe or a scrape. */
const CHECK_TIMEOUT_MS = 2000;

/** Runs every check at once (each within its timeout): which dependencies answer now. */
export async function checkReadiness(
  checks: Record<string, ReadinessCheck>,
): Promise<Record<string, 'up' | 'down'>> {
  const names = Object.keys(checks);
  const outcomes = await Promise.allSettled(
    names.map((name) => within(checks[name]!, CHECK_TIMEOUT_MS)),
  );
  return Object.fromEntries(
    names.map((name, i) => [name, outcomes[i]?.status === 'fulfilled' ? 'up' : 'down']),
  );
}
