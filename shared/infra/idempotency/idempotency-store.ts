import { createHash, randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/redis-client.js';
import type { HostedServiceName } from '../../../config/index.js';
import { idempotencyKey } from '../redis/redis-keys.js';
import type { ChunkPlan, WritePlan } from './idempotent-attempt.js';

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
  /** Until when (ms since the epoch) the request holding the key is taken to be alive. */
  readonly leaseUntil: number;
  /**
   * The write's plan as JSON text, once it was made: the request may have
   * enqueued. Text, not a nested object, so the scripts never re-encode it
   * (Redis' cjson writes numbers with 14 digits; a µs clock reading has 16).
   */
  readonly plan?: string;
  /**
   * A bulk request's plans, one per chunk in order (each JSON text of a
   * `ChunkPlan`), stored before that chunk is enqueued: its items may be queued.
   */
  readonly chunks?: readonly string[];
}

interface DoneRecord {
  readonly state: 'done';
  readonly fingerprint: string;
  readonly answer: StoredAnswer;
}

type IdempotencyRecord = PendingRecord | DoneRecord;

/**
 * What `claim` found: the key is ours now (with the plan of an earlier attempt
 * that died after making it, if one did), another request holds it, or it was
 * answered before.
 */
export type Claim =
  | {
      readonly kind: 'claimed';
      readonly token: string;
      readonly plan?: WritePlan;
      /** A bulk request's chunk plans, in chunk order. */
      readonly chunks?: readonly ChunkPlan[];
    }
  | { readonly kind: 'in-progress'; readonly fingerprint: string }
  | { readonly kind: 'answered'; readonly fingerprint: string; readonly answer: StoredAnswer };

/**
 * SET NX in one step, returning what is there when the key is taken; except
 * that a planned reservation (a plan, or a bulk request's chunk plans) of the
 * same request whose holder's lease ran out
 * is taken over (new token, new lease, same plan) and returned in a table.
 * ARGV: the new reservation, the lease (ms), now (ms), fingerprint, token.
 */
const CLAIM = `
local existing = redis.call('GET', KEYS[1])
if not existing then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return false
end
local record = cjson.decode(existing)
local planned = type(record['plan']) == 'string' or type(record['chunks']) == 'table'
if record['state'] ~= 'pending' or not planned
  or record['fingerprint'] ~= ARGV[4]
  or tonumber(record['leaseUntil'] or 0) > tonumber(ARGV[3]) then
  return existing
end
record['token'] = ARGV[5]
record['leaseUntil'] = tonumber(ARGV[3]) + tonumber(ARGV[2])
local taken = cjson.encode(record)
redis.call('SET', KEYS[1], taken, 'KEEPTTL')
return {taken}
`;

/**
 * Adds the write's plan to the reservation, only if it is still ours, and
 * keeps it as long as an answer would be: a retry must find it however late.
 */
const PLAN = `
local existing = redis.call('GET', KEYS[1])
if not existing then return 0 end
local record = cjson.decode(existing)
if record['state'] ~= 'pending' or record['token'] ~= ARGV[1] then return 0 end
record['plan'] = ARGV[2]
redis.call('SET', KEYS[1], cjson.encode(record), 'EX', ARGV[3])
return 1
`;

/**
 * Appends chunk ARGV[2]'s plan (0-based; it must be the next one) to a bulk
 * reservation, only if it is still ours; keeps it as long as an answer would
 * be, and renews the holder's lease: a long body is planned chunk by chunk.
 * ARGV: token, chunk, plan, ttl (s), now (ms), lease (ms).
 */
const PLAN_CHUNK = `
local existing = redis.call('GET', KEYS[1])
if not existing then return 0 end
local record = cjson.decode(existing)
if record['state'] ~= 'pending' or record['token'] ~= ARGV[1] then return 0 end
local chunks = record['chunks']
if type(chunks) ~= 'table' then chunks = {} end
if #chunks ~= tonumber(ARGV[2]) then return 0 end
chunks[#chunks + 1] = ARGV[3]
record['chunks'] = chunks
record['leaseUntil'] = tonumber(ARGV[5]) + tonumber(ARGV[6])
redis.call('SET', KEYS[1], cjson.encode(record), 'EX', ARGV[4])
return 1
`;

/** Replaces the reservation with the answer, only if the reservation is still ours. */
const COMPLETE = `
local existing = redis.call('GET', KEYS[1])
if not existing then return 0 end
if cjson.decode(existing)['token'] ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
`;

/**
 * Gives the reservation up, only if it is still ours (it may have expired and
 * been re-taken). A planned one may have enqueued: with ARGV[2] = '1' it is
 * kept, with its lease ended, for the retry to take over; otherwise dropped.
 */
const RELEASE = `
local existing = redis.call('GET', KEYS[1])
if not existing then return 0 end
local record = cjson.decode(existing)
if record['token'] ~= ARGV[1] then return 0 end
local planned = type(record['plan']) == 'string' or type(record['chunks']) == 'table'
if ARGV[2] == '1' and planned then
  record['leaseUntil'] = 0
  redis.call('SET', KEYS[1], cjson.encode(record), 'KEEPTTL')
  return 1
end
return redis.call('DEL', KEYS[1])
`;

export interface IdempotencyStoreOptions {
  /** Key prefix (the queue prefix: these records are as durable as the queues). */
  readonly prefix: string;
  /** How long an answer is replayed. */
  readonly ttlSeconds: number;
  /**
   * How long a reservation outlives a process that died holding it: an
   * unplanned one then expires; a planned one may then be taken over by a retry.
   */
  readonly pendingTtlSeconds: number;
  /** The clock leases are measured on (ms); tests pass one they move by hand. */
  readonly now?: () => number;
}

/**
 * Idempotency records in the queue Redis (durable, AOF): a reservation taken
 * atomically before the request runs, given the write's plan before anything
 * is enqueued, replaced by the answer when it is a 2xx, dropped otherwise
 * (kept, if planned, for a retry to repeat the same write). Keys are hashed,
 * so any client key fits one bounded Redis key.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: IdempotencyStoreOptions,
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private redisKey(scope: HostedServiceName, key: string): string {
    return idempotencyKey(this.options.prefix, scope, key);
  }

  /** Takes the key for this request, or reports who has it. */
  async claim(scope: HostedServiceName, key: string, fingerprint: string): Promise<Claim> {
    const token = randomUUID();
    const leaseMs = this.options.pendingTtlSeconds * 1000;
    // The caller's clock: a skewed one only lets a retry repeat a planned write early (harmless).
    const now = this.now();
    const pending: PendingRecord = {
      state: 'pending',
      fingerprint,
      token,
      leaseUntil: now + leaseMs,
    };
    const existing = (await this.redis.eval(
      CLAIM,
      1,
      this.redisKey(scope, key),
      JSON.stringify(pending),
      String(leaseMs),
      String(now),
      fingerprint,
      token,
    )) as string | [string] | null;
    if (existing === null) return { kind: 'claimed', token };
    if (Array.isArray(existing)) {
      const taken = JSON.parse(existing[0]) as PendingRecord;
      if (taken.chunks !== undefined) {
        const chunks = taken.chunks.map((text) => JSON.parse(text) as ChunkPlan);
        return { kind: 'claimed', token, chunks };
      }
      return { kind: 'claimed', token, plan: JSON.parse(taken.plan ?? 'null') as WritePlan };
    }
    const record = JSON.parse(existing) as IdempotencyRecord;
    if (record.state === 'pending') return { kind: 'in-progress', fingerprint: record.fingerprint };
    return { kind: 'answered', fingerprint: record.fingerprint, answer: record.answer };
  }

  /**
   * Stores the write's plan with the reservation, for as long as an answer is
   * kept; false if the reservation was lost meanwhile (then nothing may be enqueued).
   */
  async plan(
    scope: HostedServiceName,
    key: string,
    token: string,
    plan: WritePlan,
  ): Promise<boolean> {
    const stored = await this.redis.eval(
      PLAN,
      1,
      this.redisKey(scope, key),
      token,
      JSON.stringify(plan),
      String(this.options.ttlSeconds),
    );
    return stored === 1;
  }

  /**
   * Stores the plan of a bulk request's chunk `chunk` (the next one) with the
   * reservation, before the chunk is enqueued, and renews the lease; false if
   * the reservation was lost meanwhile (then nothing of the chunk may be enqueued).
   */
  async planChunk(
    scope: HostedServiceName,
    key: string,
    token: string,
    chunk: number,
    plan: ChunkPlan,
  ): Promise<boolean> {
    const stored = await this.redis.eval(
      PLAN_CHUNK,
      1,
      this.redisKey(scope, key),
      token,
      String(chunk),
      JSON.stringify(plan),
      String(this.options.ttlSeconds),
      String(this.now()),
      String(this.options.pendingTtlSeconds * 1000),
    );
    return stored === 1;
  }

  /** Stores the answer for replay; false if the reservation was lost meanwhile. */
  async complete(
    scope: HostedServiceName,
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

  /**
   * Frees the key so the client may retry (the request failed or was
   * refused). A planned reservation is kept for the retry unless `dropPlan`
   * (the write was refused before anything was enqueued).
   */
  async release(
    scope: HostedServiceName,
    key: string,
    token: string,
    options: { dropPlan?: boolean } = {},
  ): Promise<void> {
    const keepPlan = options.dropPlan === true ? '0' : '1';
    await this.redis.eval(RELEASE, 1, this.redisKey(scope, key), token, keepPlan);
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
