export type ReadinessCheck = () => Promise<void>;

/** A check that has not answered by then counts as down: a hung dependency must not hang a probe or a scrape. */
export const CHECK_TIMEOUT_MS = 2000;

/** `work`'s result, or a rejection once `ms` have passed without one. */
export function within<T>(work: () => Promise<T>, ms: number = CHECK_TIMEOUT_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    work().then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Runs every check at once (each within its timeout): which dependencies answer now. */
export async function checkReadiness(
  checks: Record<string, ReadinessCheck>,
): Promise<Record<string, 'up' | 'down'>> {
  const names = Object.keys(checks);
  const outcomes = await Promise.allSettled(names.map((name) => within(checks[name]!)));
  return Object.fromEntries(
    names.map((name, i) => [name, outcomes[i]?.status === 'fulfilled' ? 'up' : 'down']),
  );
}
