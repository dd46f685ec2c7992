import type { RedisClient } from './redis-client.js';
import { versionCounterKey } from './redis-keys.js';

/** Collections whose documents take their versions from a counter here. */
export type VersionedCollection = 'orders';

/**
 * Next version of one document: one more than the larger of the counter and
 * the version already stored, so a counter that expired or was lost can never
 * hand out a version the store already has. The counter's expiry is refreshed.
 */
const NEXT_VERSION = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local stored = tonumber(ARGV[1])
if current < stored then current = stored end
current = current + 1
redis.call('SET', KEYS[1], current, 'PX', ARGV[2])
return current
`;

/**
 * Versions for writes that change an existing document (orders), from one
 * counter per document in the queue Redis. Two writes accepted for the same
 * document get increasing versions in the order the API accepted them; the
 * worker lets the higher version win, whatever order the jobs run in.
 */
export class VersionAllocator {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: { prefix: string; ttlMs: number },
  ) {}

  /** The version for the next write to `collection/id`, above `storedVersion`. */
  async next(collection: VersionedCollection, id: string, storedVersion: number): Promise<number> {
    const result = await this.redis.eval(
      NEXT_VERSION,
      1,
      versionCounterKey(this.options.prefix, collection, id),
      String(storedVersion),
      String(this.options.ttlMs),
    );
    return Number(result);
  }
}
