import type { RedisClient } from '../../infra/redis/redis-client.js';
import type { Entity } from '../writes/write-jobs.js';
import { ConflictError, IdSpaceExhaustedError } from '../errors/index.js';
import { idClaimKeyStem, idCounterKey } from '../../infra/redis/redis-keys.js';

/** Raises the counter to at least `floor` (never lowers it), atomically. */
const RAISE_TO = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return redis.call('GET', KEYS[1])
`;

/**
 * Entities whose ids also come from outside the counter: people rows of a CSV
 * import bring their own. Every id of theirs is claimed before its write is
 * queued (SET NX, in the same script as the counter step), so of two writes
 * of one id the first to claim it wins and the other learns it lost.
 */
const CLAIMED_ENTITIES: ReadonlySet<Entity> = new Set<Entity>(['people']);

/**
 * How long an id's claim lives. It only has to cover the moment between
 * claiming an id and queueing its job: from then on the job (waiting, retried
 * or failed) or the stored row holds the id, and writers check both. So it is
 * short (claims of API writes are never deleted, and at 5,000 writes/s 60 s of
 * them is ~300,000 small keys), and an importer that crashes between claim and
 * queue blocks its ids for a minute at most.
 */
export const ID_CLAIM_TTL_SECONDS = 60;

/**
 * Draws ARGV[2] consecutive ids and claims each (ARGV[1] is the claim key
 * stem, ARGV[3] the claim TTL; `%d`, because Lua prints numbers above 10^14
 * in exponent form and ids go up to 2^53). Returns the first id; or, if one
 * of them was already claimed (possible only once the counter went back below
 * an import's ids), minus that id, keeping none of this draw's claims.
 */
const DRAW_CLAIMED = `
local count = tonumber(ARGV[2])
local first = redis.call('INCRBY', KEYS[1], count) - count + 1
for id = first, first + count - 1 do
  if not redis.call('SET', ARGV[1] .. string.format('%d', id), '1', 'NX', 'EX', ARGV[3]) then
    for taken = first, id - 1 do redis.call('DEL', ARGV[1] .. string.format('%d', taken)) end
    return -id
  end
end
return first
`;

/**
 * Raises the counter to the largest of the ids ARGV[3..] and claims each id
 * not yet claimed (ARGV[1] is the claim key stem, ARGV[2] the TTL), in one
 * step: from here on no draw can reach these ids, and no other importer can
 * claim them. Returns 1 for each id claimed here, 0 for each already claimed.
 * The ids stay the caller's strings (Lua would print a large one as 1e+15).
 */
const CLAIM_IDS = `
local highest = 3
for i = 4, #ARGV do
  if tonumber(ARGV[i]) > tonumber(ARGV[highest]) then highest = i end
end
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[highest]) then redis.call('SET', KEYS[1], ARGV[highest]) end
local won = {}
for i = 3, #ARGV do
  won[i - 2] = redis.call('SET', ARGV[1] .. ARGV[i], '1', 'NX', 'EX', ARGV[2]) and 1 or 0
end
return won
`;

/**
 * `first`, if the block of `count` ids it starts holds only ids the stores
 * keep exactly (≤ 2^53 − 1). (Compared without adding to `first`: past 2^53,
 * `first + 1` rounds back.)
 */
function storable(entity: Entity, first: number, count: number): number {
  if (first > Number.MAX_SAFE_INTEGER - (count - 1)) throw new IdSpaceExhaustedError(entity);
  return first;
}

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
    return this.nextBlock(entity, 1);
  }

  /**
   * Reserves `count` consecutive ids in one INCRBY; returns the first of them.
   * For an entity whose ids can also come from an import, the same step claims
   * them; if an import holds one of them (only after the counter went back),
   * it throws a ConflictError: no write of this block may be queued.
   */
  async nextBlock(entity: Entity, count: number): Promise<number> {
    // Checked here, not in raiseIfStale: the usual case costs no extra await.
    if (this.stale.has(entity)) await this.raiseIfStale(entity);
    if (!CLAIMED_ENTITIES.has(entity)) {
      const last = await this.redis.incrby(this.key(entity), count);
      return storable(entity, last - count + 1, count);
    }
    const first = Number(
      await this.redis.eval(
        DRAW_CLAIMED,
        1,
        this.key(entity),
        idClaimKeyStem(this.prefix, entity),
        String(count),
        String(ID_CLAIM_TTL_SECONDS),
      ),
    );
    if (first < 0) {
      throw new ConflictError(
        `${entity} id ${-first} is already claimed by another write; try again`,
      );
    }
    return storable(entity, first, count);
  }

  /**
   * Claims ids that a write brings along (a CSV import's), and raises the
   * counter past them in the same step. Resolves with the ids claimed here;
   * an id missing from it is being written by someone else, who claimed it
   * first. Release the claims once the writes are queued (or given up).
   */
  async claim(entity: Entity, ids: readonly number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const won = (await this.redis.eval(
      CLAIM_IDS,
      1,
      this.key(entity),
      idClaimKeyStem(this.prefix, entity),
      String(ID_CLAIM_TTL_SECONDS),
      ...ids.map(String),
    )) as number[];
    return new Set(ids.filter((_, i) => won[i] === 1));
  }

  /** Drops claims whose writes are queued (their jobs hold the ids now) or were given up. */
  async release(entity: Entity, ids: Iterable<number>): Promise<void> {
    const stem = idClaimKeyStem(this.prefix, entity);
    const keys = Array.from(ids, (id) => stem + id);
    if (keys.length > 0) await this.redis.unlink(...keys);
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
