/** What the API's services answer their routes with, for every resource. */

import type { CacheOutcome } from '../shared/infra/cache/read-through-cache.js';
import type { IdempotentAttempt } from '../shared/infra/idempotency/idempotent-attempt.js';

/** What a write request asks of its service besides the input. */
export interface WriteMeta {
  readonly requestId: string;
  /** Seconds the client asked to wait for persistence (`Prefer: wait`), already capped. */
  readonly waitSeconds: number;
  /** The request's `Idempotency-Key` attempt, if it has one: the write is planned under it. */
  readonly idempotency?: IdempotentAttempt;
  /** The request's `If-Match` as a test of the key's current version (updates and deletes, §3.8). */
  readonly ifMatch?: (version: number) => boolean;
}

export interface AcceptedWrite<R> {
  readonly resource: R;
  readonly jobId: string;
  /** True when the client asked to wait and the write was persisted in time. */
  readonly persisted: boolean;
}

export interface CachedRead<T> {
  readonly value: T;
  /** From the cache (true), the store on a miss (false), or the store with the cache down ('bypass'). */
  readonly cacheHit: CacheOutcome;
}

/**
 * A cached read as JSON text (`JSON.stringify` of the value), never parsed on
 * a hit: the route writes it into the response body as is.
 */
export interface CachedJson {
  readonly json: string;
  readonly cacheHit: CacheOutcome;
  /** Its entity tag, when the read knows one without hashing the body (a cache generation). */
  readonly tag?: string;
}

/** A cache generation as the weak entity tag of what was read under it (§4). */
export function generationTag(generation: string | undefined): string | undefined {
  return generation === undefined ? undefined : `W/"g${generation}"`;
}
