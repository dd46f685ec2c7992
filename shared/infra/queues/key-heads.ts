import type { RedisClient } from '../redis/redis-client.js';
import { keyHeadKey } from '../redis/redis-keys.js';

/** A resource state that carries its own version (1 for its create, one more per write). */
export interface Versioned {
  readonly version: number;
}

/** Where one key's head lives: its queue shard (same slot, same master) and the key. */
export interface HeadAddress {
  /** The BullMQ queue (shard) that holds every write of the key. */
  readonly shard: string;
  readonly key: string;
}

/**
 * One accepted write to a key: the key's state at the write's version, and
 * just before it (null for its create). What the head answers, what a job
 * carries and what a worker applies. (A plain type, so it can be a write plan.)
 */
export type VersionedWrite<S extends Versioned> = {
  readonly before: S | null;
  readonly after: S;
};

/**
 * Compare-and-set of a key's head: it moves only from the version the caller
 * folded onto (0: no head yet). On a conflict it answers the head's current
 * state, so the caller folds again without another read. A new head never
 * expires (`PERSIST`): only a worker that applied it may let it go.
 */
const ADVANCE = `
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then
  return {0, redis.call('HGET', KEYS[1], 's') or false}
end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 's', ARGV[3])
redis.call('PERSIST', KEYS[1])
return {1}
`;

/** A fresh key (a create): its head is set unless a retry of the same create set it already. */
const START = `
if redis.call('HSETNX', KEYS[1], 'v', ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], 's', ARGV[2])
end
return 1
`;

/**
 * The store holds the head's version: the head may expire (the store can
 * stand in for it). Answers the head's version (0: none).
 */
const SETTLE = `
local head = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if head == tonumber(ARGV[1]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return head
`;

/** A conflicting writer may win this many times in a row before the write gives up (a 503). */
const MAX_CONFLICTS = 50;

export class HeadContentionError extends Error {
  constructor(key: string) {
    super(`too many concurrent writes to ${key}; retry`);
  }
}

/**
 * Per-key write order (§9). Every key that takes updates (an order, a
 * customer) has a head in the queue Redis: the state its accepted writes fold
 * to, and their count (its version). A write is folded onto the head and the
 * head moved in one compare-and-set, so writes to one key get versions 1, 2,
 * 3… in the order they were accepted and each answer is the state the key
 * holds once that write and every earlier one are applied. The job carries
 * that state (and the one before it), so a worker needs nothing but the job to
 * apply it, whatever order jobs run in.
 *
 * The head sits in its queue shard's slot and is written on the connection
 * that then adds the job, so one `WAIT` covers both and a failover or an AOF
 * replay never keeps a job without its head. Once a worker has stored the
 * head's version it lets the head expire after `settledTtlMs`: an expired
 * head means the store holds every accepted write, and is read instead.
 */
export class KeyHeads {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: { readonly prefix: string; readonly settledTtlMs: number },
  ) {}

  /** The head of a new key (its create). */
  async start<S extends Versioned>(at: HeadAddress, state: S): Promise<void> {
    await this.redis.eval(START, 1, this.keyOf(at), String(state.version), JSON.stringify(state));
  }

  /**
   * Folds one write onto the key's head: `load` reads the store when the key
   * has no head (the store then holds every accepted write); `fold` gets the
   * current state (null: no such key) and answers the next one, or throws
   * (a 404 for a deleted key). Retried on a conflicting write.
   */
  async advance<S extends Versioned>(
    at: HeadAddress,
    load: () => Promise<S | null>,
    fold: (current: S | null) => S,
  ): Promise<VersionedWrite<S>> {
    const key = this.keyOf(at);
    const stored = await this.redis.hget(key, 's');
    let current: S | null = stored === null ? await load() : (JSON.parse(stored) as S);
    let expected = stored === null ? 0 : (current?.version ?? 0);
    for (let conflicts = 0; conflicts < MAX_CONFLICTS; conflicts += 1) {
      const after = fold(current);
      const [moved, head] = (await this.redis.eval(
        ADVANCE,
        1,
        key,
        String(expected),
        String(after.version),
        JSON.stringify(after),
      )) as [number, string | null];
      if (moved === 1) return { before: current, after };
      current = head === null ? await load() : (JSON.parse(head) as S);
      expected = head === null ? 0 : (current?.version ?? 0);
    }
    throw new HeadContentionError(at.key);
  }

  /**
   * A worker stored `version` of the key: if that is still its head, the head
   * may expire. Answers the head's version: above `version`, later writes of
   * the key are queued.
   */
  async settle(at: HeadAddress, version: number): Promise<number> {
    const head = await this.redis.eval(
      SETTLE,
      1,
      this.keyOf(at),
      String(version),
      String(this.options.settledTtlMs),
    );
    return Number(head);
  }

  private keyOf(at: HeadAddress): string {
    return keyHeadKey(this.options.prefix, at.shard, at.key);
  }
}

/**
 * What a store holding `storedVersion` of a key (0: none) does with a write
 * (§9), the one rule of every resource's worker:
 * - `replayed`: the store has this version already (a retry, a duplicate job);
 * - `apply`: the store is at the version just before: the write lands;
 * - `apply-before-first`: the store is two behind; the write's `before` (the
 *   version between, whose own job has not run yet) lands first, then the
 *   write; that job later finds itself `replayed`;
 * - `wait`: further behind; the write waits for the ones before it.
 * Writes to one key thus land in version order, one at a time, whatever
 * order their jobs run in: a store never skips a version.
 */
export function stepFor<S extends Versioned>(
  storedVersion: number,
  write: VersionedWrite<S>,
): 'replayed' | 'apply' | 'apply-before-first' | 'wait' {
  const version = write.after.version;
  if (storedVersion >= version) return 'replayed';
  if (storedVersion === version - 1) return 'apply';
  if (storedVersion === version - 2 && write.before?.version === version - 1) {
    return 'apply-before-first';
  }
  return 'wait';
}
