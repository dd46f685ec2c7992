import { createHash, randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis-client.js';
import type { ServiceName } from '../../config/index.js';
import { idempotencyKey } from '../redis-keys.js';

/** The first answer to a request with an `Idempotency-Key`, as it is replayed. */
export interface StoredAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body, a text body, or null for an empty one. */
  readonly body: unknown;
  readonly bodyKind: 'json' | 'text' | 'empty';
}

interface PendingRecord {
  readonly state: 'pending';
  readonly fingerprint: string;
  readonly token: string;
}

interface DoneRecord {
  readonly state: 'done';
  readonly fingerprint: string;
  readonly answer: StoredAnswer;
}

type IdempotencyRecord = PendingRecord | DoneRecord;

/** What `claim` found: the key is ours now, another request holds it, or it was answered before. */
export type Claim =
  | { readonly kind: 'claimed'; readonly token: string }
  | { readonly kind: 'in-progress'; readonly fingerprint: string }
  | { readonly kind: 'answered'; readonly fingerprint: string; readonly answer: StoredAnswer };

/** SET NX in one step, returning what is there when the key is taken. */
const CLAIM = `
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
`;

/** Replaces the reservation with the answer, only if the reservation is still ours. */
const COMPLETE = `
local existing = redis.call('GET', KEYS[1])
if not existing then return 0 end
if cjson.decode(existing)['token'] ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
`;

/** Drops the reservation, only if it is still ours (it may have expired and been re-taken). */
const RELEASE = `
local existing = redis.call('GET', KEYS[1])
if not existing then return 0 end
if cjson.decode(existing)['token'] ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`;

export interface IdempotencyStoreOptions {
  /** Key prefix (the queue prefix: these records are as durable as the queues). */
  readonly prefix: string;
  /** How long an answer is replayed. */
  readonly ttlSeconds: number;
  /** How long a reservation outlives a process that died holding it. */
  readonly pendingTtlSeconds: number;
}

/**
 * Idempotency records in the queue Redis (durable, AOF): a reservation taken
 * atomically before the request runs, replaced by the answer when it is a 2xx,
 * dropped otherwise. Keys are hashed, so any client key fits one bounded Redis key.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: IdempotencyStoreOptions,
  ) {}

  private redisKey(scope: ServiceName, key: string): string {
    return idempotencyKey(this.options.prefix, scope, key);
  }

  /** Takes the key for this request, or reports who has it. */
  async claim(scope: ServiceName, key: string, fingerprint: string): Promise<Claim> {
    const token = randomUUID();
    const pending: PendingRecord = { state: 'pending', fingerprint, token };
    const existing = (await this.redis.eval(
      CLAIM,
      1,
      this.redisKey(scope, key),
      JSON.stringify(pending),
      String(this.options.pendingTtlSeconds * 1000),
    )) as string | null;
    if (existing === null) return { kind: 'claimed', token };
    const record = JSON.parse(existing) as IdempotencyRecord;
    if (record.state === 'pending') return { kind: 'in-progress', fingerprint: record.fingerprint };
    return { kind: 'answered', fingerprint: record.fingerprint, answer: record.answer };
  }

  /** Stores the answer for replay; false if the reservation was lost meanwhile. */
  async complete(
    scope: ServiceName,
    key: string,
    claim: { token: string; fingerprint: string },
    answer: StoredAnswer,
  ): Promise<boolean> {
    const done: DoneRecord = { state: 'done', fingerprint: claim.fingerprint, answer };
    const stored = await this.redis.eval(
      COMPLETE,
      1,
      this.redisKey(scope, key),
      claim.token,
      JSON.stringify(done),
      String(this.options.ttlSeconds),
    );
    return stored === 1;
  }

  /** Frees the key so the client may retry (the request failed or was refused). */
  async release(scope: ServiceName, key: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.redisKey(scope, key), token);
  }
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** What makes two requests "the same": method, path with query, and the canonical body. */
export function requestFingerprint(request: {
  method: string;
  path: string;
  querystring: string;
  body: unknown;
}): string {
  return createHash('sha256')
    .update(request.method.toUpperCase())
    .update('\0')
    .update(request.path)
    .update('\0')
    .update(request.querystring)
    .update('\0')
    .update(canonicalJson(request.body))
    .digest('hex');
}
