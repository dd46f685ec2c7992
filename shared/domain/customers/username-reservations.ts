import type { RedisClient } from '../../infra/redis/redis-client.js';
import { usernameReservationKey } from '../../infra/redis/redis-keys.js';
import { usernameKey } from './username-key.js';

/** Deletes the reservation only if this customer still holds it (never someone else's). */
const RELEASE_IF_HELD = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Usernames claimed in the queue Redis (durable, AOF) the moment a write is
 * accepted, so a second claim is refused with 409 while the first write is
 * still queued. One key per username: `SET NX` makes the claim atomic. A claim
 * is released when its write finally fails, when the customer is deleted, or
 * (the old name) when a PATCH renamed the customer.
 */
export class UsernameReservations {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /** The Redis key of a username's claim (exposed for tests and operators). */
  key(username: string): string {
    return usernameReservationKey(this.prefix, usernameKey(username));
  }

  /** True if `uuid` now holds the username (it may already have held it). */
  async reserve(username: string, uuid: string): Promise<boolean> {
    const key = this.key(username);
    if ((await this.redis.set(key, uuid, 'NX')) === 'OK') return true;
    return (await this.redis.get(key)) === uuid;
  }

  /** Frees the username if `uuid` holds it; true if a claim was removed. */
  async release(username: string, uuid: string): Promise<boolean> {
    return Number(await this.redis.eval(RELEASE_IF_HELD, 1, this.key(username), uuid)) === 1;
  }

  /** The uuid that holds the username, or null. */
  holder(username: string): Promise<string | null> {
    return this.redis.get(this.key(username));
  }
}
