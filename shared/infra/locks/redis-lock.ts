import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/redis-client.js';
import { lockKey } from '../redis/redis-keys.js';

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
  /** Frees the lock now, or after `holdMs` when given (others keep skipping until then). */
  release(options?: { holdMs?: number }): Promise<void>;
  /** Gives the lock `ttlMs` more from now; false when it is no longer ours (it expired). */
  renew(ttlMs: number): Promise<boolean>;
}

/** What a leased task asks before each step it must not share. */
export interface Lease {
  /**
   * True while the lock is surely ours: the last renewal found our token and
   * its TTL has not run out since. A stalled event loop or an unreachable
   * Redis makes it false without anyone telling us.
   */
  held(): boolean;
}

/**
 * A mutual-exclusion lock on one Redis (SET NX PX with a random token). The
 * TTL frees the lock if its holder dies; release and hold check the token, so
 * a holder whose lock already expired cannot free the next holder's lock.
 * One Redis, no Redlock: the queue Redis is the single source of truth here.
 */
export class RedisLock {
  constructor(
    private readonly redis: RedisClient,
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
      renew: async (renewMs) =>
        (await this.redis.eval(HOLD_FOR, 1, key, token, String(renewMs))) === 1,
      release: async (options = {}) => {
        if (options.holdMs && options.holdMs > 0) {
          await this.redis.eval(HOLD_FOR, 1, key, token, String(options.holdMs));
        } else {
          await this.redis.eval(RELEASE, 1, key, token);
        }
      },
    };
  }

  /**
   * Runs `task` while holding the lock, renewed every third of `ttlMs`, so a
   * task may outlast its TTL as long as its process lives; a dead holder frees
   * it after at most `ttlMs`. Resolves false at once, without running `task`,
   * when someone else holds it. `task` checks `lease.held()` before each step
   * that only one holder may take: renewal cannot stop a step already begun.
   */
  async whileHeld(
    name: string,
    ttlMs: number,
    task: (lease: Lease) => Promise<void>,
  ): Promise<boolean> {
    // Counted from before the SET: the lock cannot outlive this, whatever the round trip took.
    let validUntil = Date.now() + ttlMs;
    const held = await this.tryAcquire(name, ttlMs);
    if (!held) return false;
    let lost = false;
    const renew = async () => {
      const asked = Date.now();
      try {
        if (await held.renew(ttlMs)) validUntil = asked + ttlMs;
        else lost = true;
      } catch {
        // Unknown outcome: the lease stands until its last known expiry, no longer.
      }
    };
    const timer = setInterval(() => void renew(), Math.max(1, Math.floor(ttlMs / 3)));
    timer.unref();
    try {
      await task({ held: () => !lost && Date.now() < validUntil });
    } finally {
      clearInterval(timer);
      await held.release().catch(() => undefined);
    }
    return true;
  }
}
