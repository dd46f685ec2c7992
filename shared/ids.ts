import type { Redis } from 'ioredis';
import type { Entity } from './jobs/job-payloads.js';

/** Raises the counter to at least `floor` (never lowers it), atomically. */
const RAISE_TO = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return redis.call('GET', KEYS[1])
`;

/**
 * Integer ids from an atomic counter in the queue Redis (durable, AOF), so the
 * API can answer with the id before the row exists.
 */
export class IdAllocator {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(entity: Entity): string {
    return `${this.prefix}:ids:${entity}`;
  }

  async next(entity: Entity): Promise<number> {
    return this.redis.incr(this.key(entity));
  }

  /** Reserves `count` consecutive ids in one INCRBY; returns the first of them. */
  async nextBlock(entity: Entity, count: number): Promise<number> {
    const last = await this.redis.incrby(this.key(entity), count);
    return last - count + 1;
  }

  /**
   * Makes sure the counter is past every id already stored, so a counter that
   * was lost or reset can never hand out an id that a row already has.
   */
  async ensureAbove(entity: Entity, storedMaxId: number): Promise<void> {
    await this.redis.eval(RAISE_TO, 1, this.key(entity), String(storedMaxId));
  }
}
