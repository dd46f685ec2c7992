import type { RedisClient } from './redis-client.js';
import type { Entity } from './jobs/job-payloads.js';
import { idCounterKey } from './redis-keys.js';

/** Raises the counter to at least `floor` (never lowers it), atomically. */
const RAISE_TO = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return redis.call('GET', KEYS[1])
`;

/**
 * Integer ids from an atomic counter in the queue Redis (durable, AOF), so the
 * API can answer with the id before the row exists.
 *
 * A counter can fall behind the stored ids when Redis loses its last writes:
 * a crash under `appendfsync everysec`, or a Sentinel failover to a replica
 * that had not yet received them. So an entity registered with `keepAbove` is
 * raised past MySQL's highest id at registration and again after every
 * reconnect of the client, before its next id is handed out.
 */
export class IdAllocator {
  /** How to read each registered entity's highest stored id. */
  private readonly floors = new Map<Entity, () => Promise<number>>();
  /** Registered entities to raise before their next id (set again on every reconnect). */
  private readonly stale = new Set<Entity>();
  private readonly raising = new Map<Entity, Promise<void>>();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly options: {
      /** Told when a raise after a reconnect failed; ids are handed out anyway (SPEC §5: writes go on while MySQL is down). */
      onRaiseFailed?: (entity: Entity, error: unknown) => void;
    } = {},
  ) {
    redis.on('ready', () => {
      for (const entity of this.floors.keys()) this.stale.add(entity);
    });
  }

  private key(entity: Entity): string {
    return idCounterKey(this.prefix, entity);
  }

  async next(entity: Entity): Promise<number> {
    // Checked here, not in raiseIfStale: the usual case costs no extra await.
    if (this.stale.has(entity)) await this.raiseIfStale(entity);
    return this.redis.incr(this.key(entity));
  }

  /** Reserves `count` consecutive ids in one INCRBY; returns the first of them. */
  async nextBlock(entity: Entity, count: number): Promise<number> {
    if (this.stale.has(entity)) await this.raiseIfStale(entity);
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

  /** `ensureAbove(storedMaxId())` now, and again after every reconnect of the client. */
  async keepAbove(entity: Entity, storedMaxId: () => Promise<number>): Promise<void> {
    this.floors.set(entity, storedMaxId);
    await this.ensureAbove(entity, await storedMaxId());
  }

  private async raiseIfStale(entity: Entity): Promise<void> {
    let raise = this.raising.get(entity);
    if (!raise) {
      this.stale.delete(entity);
      raise = this.raiseAfterReconnect(entity).finally(() => this.raising.delete(entity));
      this.raising.set(entity, raise);
    }
    await raise;
  }

  private async raiseAfterReconnect(entity: Entity): Promise<void> {
    const storedMaxId = this.floors.get(entity);
    if (!storedMaxId) return;
    try {
      await this.ensureAbove(entity, await storedMaxId());
    } catch (error) {
      // Tried again on the next id; meanwhile ids come from the counter as it is.
      this.stale.add(entity);
      this.options.onRaiseFailed?.(entity, error);
    }
  }
}
