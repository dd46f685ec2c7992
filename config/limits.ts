import type { EnvReader } from './env-parsers.js';
import type { Config } from './types.js';

/** BACKPRESSURE_*: when a backlogged queue's writes are refused, and for how long. */
export function readBackpressure(read: EnvReader): Config['backpressure'] {
  return {
    maxWaiting: read.int('BACKPRESSURE_MAX_WAITING', 100_000, { min: 0, max: 1_000_000_000 }),
    checkIntervalMs: read.int('BACKPRESSURE_CHECK_INTERVAL_MS', 250, { min: 0, max: 60_000 }),
    retryAfterSeconds: read.int('BACKPRESSURE_RETRY_AFTER_SECONDS', 5, { min: 1, max: 3600 }),
  };
}

/**
 * The per-client request budgets and where the client address comes from.
 * The internal services take no budget unless one is set (§3.7: their
 * defaults never throttle a high-throughput client below what the pipeline
 * stores; backpressure protects them); the public API keeps one.
 */
export function readRateLimit(read: EnvReader): Config['rateLimit'] {
  return {
    writesPerMinute: read.int('RATE_LIMIT_PER_MINUTE', 0, { min: 0, max: 10_000_000 }),
    publicPerMinute: read.int('PUBLIC_RATE_LIMIT_PER_MINUTE', 6000, {
      min: 0,
      max: 10_000_000,
    }),
    trustProxy: read.bool('TRUST_PROXY', false),
  };
}
