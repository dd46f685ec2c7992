import type { RedisClient } from '../redis-client.js';
import type { ServiceName } from '../../config/index.js';
import { rateLimitKey } from '../redis-keys.js';

/** Counts ARGV[2] units (a request, or a bulk request's items); the window starts with the client's first and lasts PX ms. */
const HIT = `
local weight = tonumber(ARGV[2])
local count = redis.call('INCRBY', KEYS[1], weight)
if count == weight then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
`;

export interface RateDecision {
  readonly allowed: boolean;
  readonly remaining: number;
  /** Seconds until the window ends (at least 1). */
  readonly retryAfterSeconds: number;
}

/**
 * A fixed window per client in Redis, counted by one Lua script (atomic across
 * processes). The window opens at the client's first request, so a burst is
 * never doubled across a clock-aligned boundary, and the key expires with it.
 */
export class FixedWindowLimiter {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: { prefix: string; limit: number; windowMs: number },
  ) {}

  /** Counts `weight` units (1 for a request; a bulk chunk counts its items). */
  async hit(scope: ServiceName, client: string, weight = 1): Promise<RateDecision> {
    const [count, ttlMs] = (await this.redis.eval(
      HIT,
      1,
      rateLimitKey(this.options.prefix, scope, client),
      String(this.options.windowMs),
      String(weight),
    )) as [number, number];
    return {
      allowed: count <= this.options.limit,
      remaining: Math.max(0, this.options.limit - count),
      retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
    };
  }
}
