import type { EnvReader } from './env-parsers.js';
import type { Config } from './types.js';

/** PREFER_WAIT_MAX_SECONDS: the longest `Prefer: wait` a request may ask for. */
export function readHttp(read: EnvReader): Config['http'] {
  return {
    preferWaitMaxSeconds: read.int('PREFER_WAIT_MAX_SECONDS', 30, { min: 0, max: 600 }),
  };
}

/** IDEMPOTENCY_*: how long answers are replayed and keys stay reserved. */
export function readIdempotency(read: EnvReader): Config['idempotency'] {
  return {
    ttlSeconds: read.int('IDEMPOTENCY_TTL_SECONDS', 86_400, { min: 1, max: 30 * 86_400 }),
    pendingTtlSeconds: read.int('IDEMPOTENCY_PENDING_TTL_SECONDS', 120, { min: 1, max: 3600 }),
  };
}
