import { createHash } from 'node:crypto';
import type { HostedServiceName } from '../../../config/index.js';
import type { RedisClient } from '../redis/redis-client.js';
import { rateLimitKey } from '../redis/redis-keys.js';
import { TokenBucket, type RateDecision } from './token-bucket.js';

export type { RateDecision } from './token-bucket.js';

/**
 * The shared bucket: takes ARGV[3] units spent by one process since its last
 * sync, refills by Redis's own clock (one clock for every process), and
 * answers the tokens left. The key lives until the bucket would be full
 * again: an absent key is a full bucket. Debt is bounded at one capacity, so
 * processes that overspent together wait at most two periods.
 */
const SYNC = `
local capacity = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local spent = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
if now > at then tokens = math.min(capacity, tokens + (now - at) * perMs) end
tokens = math.max(-capacity, tokens - spent)
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / perMs) + 1000)
return tostring(tokens)
`;
const SYNC_SHA = createHash('sha1').update(SYNC).digest('hex');

export interface SyncedRateLimiterOptions {
  /** The cache Redis prefix (the budget is disposable: it lives in the cache Redis). */
  readonly prefix: string;
  /** Names the budget (one per service). */
  readonly scope: HostedServiceName;
  /** Units per period, and the most a client may spend at once. */
  readonly limit: number;
  readonly periodMs: number;
  /** How long spending stays local before it is sent to the shared bucket (default 250 ms). */
  readonly syncIntervalMs?: number;
  /** The monotonic clock, in ms (tests pass their own). */
  readonly now?: () => number;
  /** Told when a sync could not reach Redis (once per outage, not once per interval). */
  readonly onSyncFailure?: (error: unknown) => void;
}

interface Client {
  readonly bucket: TokenBucket;
  readonly key: string;
}

/**
 * A per-client budget decided without a network round trip: each process
 * keeps a token bucket per client and answers from it at once; every
 * `syncIntervalMs` (only while some client spent) it sends what each client
 * spent to that client's shared bucket in the cache Redis, in one pipelined
 * round trip, and takes back the tokens every process left. Processes that
 * share a client therefore share its budget, to within what the client can
 * spend in one interval.
 *
 * While the cache Redis is down (§4: it is disposable) nothing waits or
 * fails: each process goes on with its own buckets, so a client gets at most
 * the budget per process, and the shared count resumes when Redis answers.
 */
export class SyncedRateLimiter {
  private readonly clients = new Map<string, Client>();
  private readonly shape: { capacity: number; periodMs: number };
  private readonly now: () => number;
  private readonly syncIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private syncing = false;
  private closed = false;
  private failing = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: SyncedRateLimiterOptions,
  ) {
    this.shape = { capacity: options.limit, periodMs: options.periodMs };
    this.now = options.now ?? performance.now.bind(performance);
    this.syncIntervalMs = options.syncIntervalMs ?? 250;
  }

  /** Takes `weight` units (1 for a request; a bulk chunk takes its items) from `client`'s budget. */
  hit(client: string, weight = 1): RateDecision {
    const now = this.now();
    let known = this.clients.get(client);
    if (known === undefined) {
      known = {
        bucket: new TokenBucket(this.shape, now),
        key: rateLimitKey(this.options.prefix, this.options.scope, client),
      };
      this.clients.set(client, known);
    }
    this.scheduleSync();
    return known.bucket.take(weight, now);
  }

  /**
   * Sends every client's spending now and takes back the shared counts (what
   * the timer does; tests call it to step the sync). Resolves when done;
   * never rejects: a failure leaves the local buckets deciding alone.
   */
  async sync(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      await this.sendSpending();
    } finally {
      this.syncing = false;
    }
  }

  /** Stops the background sync (what was spent since the last one is not sent). */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private scheduleSync(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.sync().then(() => this.scheduleIfSpent());
    }, this.syncIntervalMs);
    this.timer.unref();
  }

  /** Spending that a skipped sync (another was in flight) left unsent goes with the next one. */
  private scheduleIfSpent(): void {
    for (const { bucket } of this.clients.values()) {
      if (bucket.hasUnsent()) return this.scheduleSync();
    }
  }

  private async sendSpending(): Promise<void> {
    const now = this.now();
    const batch: Client[] = [];
    const spent: number[] = [];
    for (const [address, client] of this.clients) {
      const units = client.bucket.beginSync();
      if (units > 0) {
        batch.push(client);
        spent.push(units);
      } else if (client.bucket.isSettled(now)) {
        // Full and quiet: the same as a client never seen, so memory holds only recent clients.
        this.clients.delete(address);
      }
    }
    if (batch.length === 0) return;
    if (this.redis.status !== 'ready') {
      for (const client of batch) client.bucket.failSync();
      // 'end': the process closed its connections (shutdown); nothing to report.
      if (this.redis.status === 'end') return;
      return this.noteFailure(new Error(`cache Redis is ${this.redis.status}`));
    }
    // The cache client auto-pipelines: these commands leave in one write, one round trip.
    const answers = await Promise.allSettled(
      batch.map((client, i) => this.sendOne(client.key, spent[i] ?? 0)),
    );
    const answered = this.now();
    let failure: unknown;
    answers.forEach((answer, i) => {
      const bucket = batch[i]?.bucket;
      if (answer.status === 'fulfilled') bucket?.endSync(answer.value, answered);
      else {
        bucket?.failSync();
        failure ??= answer.reason;
      }
    });
    if (failure === undefined) this.failing = false;
    else this.noteFailure(failure);
  }

  private async sendOne(key: string, units: number): Promise<number> {
    const args = [key, String(this.shape.capacity), String(this.perMs()), String(units)];
    let answer: unknown;
    try {
      answer = await this.redis.evalsha(SYNC_SHA, 1, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      answer = await this.redis.eval(SYNC, 1, ...args);
    }
    const tokens = Number(answer);
    if (!Number.isFinite(tokens)) throw new Error(`rate limit sync answered ${String(answer)}`);
    return tokens;
  }

  private perMs(): number {
    return this.shape.capacity / this.shape.periodMs;
  }

  private noteFailure(error: unknown): void {
    if (this.failing || this.closed) return;
    this.failing = true;
    this.options.onSyncFailure?.(error);
  }
}
