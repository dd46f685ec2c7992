/** How long and how often a request is retried (429, 503, 409 in progress, 5xx, network errors). */
export interface RetryOptions {
  /** Retries after the first attempt, at most. Default 25. */
  readonly retries?: number;
  /** First backoff delay; doubles with every retry. Default 100 ms. */
  readonly minDelayMs?: number;
  /** Longest backoff delay (a `Retry-After` may ask for longer and is honoured). Default 15 s. */
  readonly maxDelayMs?: number;
  /**
   * Give up once retrying would run past this long after the first attempt.
   * Default 5 minutes: long enough to outlast an API restart and the server's
   * 120 s lease on an Idempotency-Key whose holder died.
   */
  readonly maxElapsedMs?: number;
}

export type RetryPolicy = Required<RetryOptions>;

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 25,
  minDelayMs: 100,
  maxDelayMs: 15_000,
  maxElapsedMs: 300_000,
};

/** Most a `Retry-After` delay is spread by, so waiting callers do not return all at once. */
const RETRY_AFTER_SPREAD_MS = 250;

/**
 * Exponential backoff with "equal jitter": half of the capped exponential
 * delay is fixed, half random, so retries spread out but never collapse to 0.
 * `retry` counts from 1.
 */
export function backoffMs(retry: number, policy: RetryPolicy, random = Math.random): number {
  const capped = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.max(0, retry - 1));
  return capped / 2 + (random() * capped) / 2;
}

/**
 * A `Retry-After` header as milliseconds from `now`: delay-seconds or an
 * HTTP-date (RFC 9110 §10.2.3); undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The delay before retry number `retry`: the backoff, or what the server asked
 * for in `Retry-After` if that is longer (plus a small spread).
 */
export function retryDelayMs(
  retry: number,
  policy: RetryPolicy,
  serverAskedMs: number | undefined,
  random = Math.random,
): number {
  const backoff = backoffMs(retry, policy, random);
  if (serverAskedMs === undefined) return backoff;
  return Math.max(backoff, serverAskedMs + random() * RETRY_AFTER_SPREAD_MS);
}

/** Checks user-supplied retry options and fills in the defaults. */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY, ...definedOnly(options) };
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`retry.${name} must be a non-negative number, got ${String(value)}`);
    }
  }
  return policy;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
