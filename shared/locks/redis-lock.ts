import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { lockKey } from '../redis-keys.js';

/** Deletes the lock only if it still holds our token: never someone else's lock. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Sets the lock's life to ARGV[2] ms (shorter or longer), only if it still holds our token. */
const HOLD_FOR = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** A held lock: its token proves ownership when it is released. */
export interface HeldLock {
  readonly key: string;
  readonly token: string;
  /**
   * Gives the lock `ttlMs` more life from now, so long work can keep it; false
   * when it is no longer ours (it expired, and someone else may hold it).
   */
  extend(ttlMs: number): Promise<boolean>;
  /** Frees the lock now, or after `holdMs` when given (others keep skipping until then). */
  release(options?: { holdMs?: number }): Promise<void>;
}

/**
 * A mutual-exclusion lock on one Redis (SET NX PX with a random token). The
 * TTL frees the lock if its holder dies; release and hold check the token, so
 * a holder whose lock already expired cannot free the next holder's lock.
 * One Redis, no Redlock: the queue Redis is the single source of truth here.
 */
export class RedisLock {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Takes the lock, or returns null at once when someone else holds it. */
  async tryAcquire(name: string, ttlMs: number): Promise<HeldLock | null> {
    const key = lockKey(this.prefix, name);
    const token = randomUUID();
    const taken = await this.redis.set(key, token, 'PX', ttlMs, 'NX');
    if (taken !== 'OK') return null;
    return {
      key,
      token,
      extend: async (ttlMs) =>
        (await this.redis.eval(HOLD_FOR, 1, key, token, String(ttlMs))) === 1,
      release: async (options = {}) => {
        if (options.holdMs && options.holdMs > 0) {
          await this.redis.eval(HOLD_FOR, 1, key, token, String(options.holdMs));
        } else {
          await this.redis.eval(RELEASE, 1, key, token);
        }
      },
    };
  }
}
