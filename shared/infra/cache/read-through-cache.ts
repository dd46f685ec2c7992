import { cacheKeys, type CacheKeyPart, type CacheKeys } from '../redis/redis-keys.js';
import type { CacheCollection } from './cache-collections.js';
import { inChildSpan } from '../telemetry/tracing/spans.js';

/** The three commands the cache sends (an ioredis client has them). */
export interface CacheRedis {
  mget(...keys: string[]): Promise<(string | null)[]>;
  set(key: string, value: string, expiry: 'EX', seconds: number): Promise<unknown>;
  incr(key: string): Promise<number>;
}

/** An entry is stored as `<generation>\n<JSON text>`: JSON text never holds a raw newline. */
const SEPARATOR = '\n';

/** The JSON text of `stored` if it was built under `generation`, else null. */
function underGeneration(stored: string | null | undefined, generation: string): string | null {
  const head = generation + SEPARATOR;
  return stored?.startsWith(head) ? stored.slice(head.length) : null;
}

/** Where a read came from: the cache, the store on a miss, or the store with the cache down (§4). */
export type CacheOutcome = boolean | 'bypass';

export interface CacheRead<T> {
  readonly value: T;
  /** True: from the cache; false: loaded on a miss; `bypass`: loaded, the cache Redis not answering. */
  readonly hit: CacheOutcome;
  /**
   * The collection's generation the value belongs to (none with the cache
   * off): unchanged, so is every read of the collection, which makes it an
   * entity tag for them (§4).
   */
  readonly generation?: string;
}

/** One load's result as loaded, and the JSON text the cache stored (none when it is off). */
interface Loaded {
  readonly value: unknown;
  readonly json?: string;
}

/** How often an invalidation that could not reach the cache Redis is tried again. */
const INVALIDATE_RETRY_MS = 250;

/**
 * Read-through cache over the cache Redis. Each collection has a generation
 * counter, and every entry carries the generation it was built under; a write
 * bumps the counter, which makes every older entry a miss at once (they are
 * overwritten, or expire by TTL / LRU). One MGET reads the counter and the
 * entry together (a Lua script did the same at ~1.5× the client CPU, and more
 * in Redis). Because a loader's result is stored with the generation read
 * *before* loading, a write that lands mid-load can never be hidden by a
 * stale entry; a slow load may overwrite a newer entry with an older one,
 * which costs the next reader a miss, never a stale answer.
 * Concurrent misses for one key and generation in this process share one load;
 * reads of one key in one event-loop turn share one lookup (`sharedLookup`).
 */
export class ReadThroughCache {
  private readonly inFlight = new Map<string, Promise<Loaded>>();
  /** Collections whose generation must be bumped before the cache is used again (see `lostTheCache`). */
  private readonly staleCollections = new Set<CacheCollection>();
  private bumping: Promise<boolean> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Lookups (MGET) of this event-loop turn, by entry key: reads of one key in one turn share one. */
  private readonly lookups = new Map<string, Promise<(string | null)[]>>();
  /** Built once per collection this process has used: key strings are on every read's path. */
  private readonly keys = new Map<CacheCollection, CacheKeys>();

  constructor(
    private readonly redis: CacheRedis,
    private readonly options: {
      prefix: string;
      ttlSeconds: number;
      /** False: every read calls its loader and nothing is stored (CACHE_ENABLED=false). */
      enabled?: boolean;
      /** Told of every read and whether it was a hit (metrics). */
      onRead?: (collection: CacheCollection, hit: boolean) => void;
    },
  ) {}

  async read<T>(
    collection: CacheCollection,
    parts: readonly CacheKeyPart[],
    load: () => Promise<T>,
  ): Promise<CacheRead<T>> {
    const { read, generation, bypassed } = await this.lookup(collection, parts, load);
    const tagged = generation === undefined ? {} : { generation };
    if (typeof read === 'string') return { value: JSON.parse(read) as T, hit: true, ...tagged };
    return { value: read.value as T, hit: bypassed ? 'bypass' : false, ...tagged };
  }

  /**
   * Like `read`, but answers the value as the JSON text of `JSON.stringify(value ?? null)`
   * and never parses a hit: for answers that embed the value as is (the hot
   * read path writes it straight into the response body).
   */
  async readJson<T>(
    collection: CacheCollection,
    parts: readonly CacheKeyPart[],
    load: () => Promise<T>,
  ): Promise<CacheRead<string>> {
    const { read, generation, bypassed } = await this.lookup(collection, parts, load);
    const tagged = generation === undefined ? {} : { generation };
    if (typeof read === 'string') return { value: read, hit: true, ...tagged };
    const json = read.json ?? JSON.stringify(read.value ?? null);
    return { value: json, hit: bypassed ? 'bypass' : false, ...tagged };
  }

  /**
   * Makes every cached read of the collection stale; called after a write
   * commits. Never throws and never waits on a cache Redis that is down (§4:
   * the cache is disposable): see `lostTheCache`.
   */
  async invalidate(collection: CacheCollection): Promise<void> {
    try {
      await inChildSpan('cache invalidate', { 'spillway.cache.collection': collection }, () =>
        this.redis.incr(this.keysOf(collection).generation),
      );
    } catch {
      this.lostTheCache();
    }
  }

  /** Stops retrying invalidations (shutdown). */
  close(): void {
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = undefined;
  }

  /**
   * The cache Redis did not answer. Writes this process cannot see may land
   * meanwhile, and a cache Redis that keeps its data comes back with entries
   * built before them: so until every collection's generation is bumped
   * again, this process reads past the cache, and it keeps trying the bumps.
   */
  private lostTheCache(): void {
    // Every collection this process has read or invalidated; one it never touched it has no entry of.
    for (const collection of this.keys.keys()) this.staleCollections.add(collection);
    this.retryTimer ??= setInterval(() => void this.bumpStale(), INVALIDATE_RETRY_MS);
    this.retryTimer.unref();
  }

  /** Bumps every collection marked stale (one attempt shared by concurrent callers); true once none is. */
  private bumpStale(): Promise<boolean> {
    this.bumping ??= (async () => {
      try {
        for (const collection of [...this.staleCollections]) {
          await this.redis.incr(this.keysOf(collection).generation);
          this.staleCollections.delete(collection);
        }
        this.close();
        return true;
      } catch {
        return false;
      } finally {
        this.bumping = undefined;
      }
    })();
    return this.bumping;
  }

  /**
   * The stored JSON text on a hit; on a miss, the result of the (shared) load
   * that stores it; with the cache off, the loader's result alone.
   */
  private async lookup(
    collection: CacheCollection,
    parts: readonly CacheKeyPart[],
    load: () => Promise<unknown>,
  ): Promise<{ read: string | Loaded; generation?: string; bypassed?: true }> {
    if (this.options.enabled === false) {
      // No Redis round trip at all, so "uncached" measures the database path alone.
      this.options.onRead?.(collection, false);
      return { read: { value: await load() } };
    }
    const keys = this.keysOf(collection);
    const key = keys.entry(parts);
    let counter: string | null | undefined;
    let stored: string | null | undefined;
    try {
      if (this.staleCollections.size > 0 && !(await this.bumpStale())) throw new Error('stale');
      [counter, stored] = await this.sharedLookup(keys.generation, key);
    } catch {
      // The cache Redis does not answer: read the store, one load per key at a time.
      this.lostTheCache();
      this.options.onRead?.(collection, false);
      const read = await this.loadOnce(`bypass${SEPARATOR}${key}`, async () => ({
        value: await load(),
      }));
      return { read, bypassed: true };
    }
    const generation = counter ?? '0';
    const cached = underGeneration(stored, generation);
    this.options.onRead?.(collection, cached !== null);
    if (cached !== null) return { read: cached, generation };
    const read = await this.loadOnce(`${generation}${SEPARATOR}${key}`, () =>
      this.loadAndStore(key, generation, load),
    );
    return { read, generation };
  }

  /**
   * One MGET for every read of `key` made before that MGET is sent. A hot key
   * under load is read by many requests in one event-loop turn; sharing the
   * answer saves each a Redis round trip (client CPU and Redis CPU). The
   * lookup stops taking sharers at the next check phase, once the
   * auto-pipelined client has written it (its flush is a setImmediate queued
   * no later than this one), so every sharer arrived before the lookup left:
   * a read that starts after a write's invalidation never gets an older answer.
   */
  private sharedLookup(generationKey: string, key: string): Promise<(string | null)[]> {
    let lookup = this.lookups.get(key);
    if (!lookup) {
      const sent = this.redis.mget(generationKey, key);
      lookup = sent;
      this.lookups.set(key, sent);
      setImmediate(() => {
        if (this.lookups.get(key) === sent) this.lookups.delete(key);
      });
    }
    return lookup;
  }

  /** Concurrent loads of one flight (a key under one generation) share one. */
  private loadOnce(flight: string, load: () => Promise<Loaded>): Promise<Loaded> {
    let loading = this.inFlight.get(flight);
    if (!loading) {
      loading = load();
      this.inFlight.set(flight, loading);
      void loading.finally(() => this.inFlight.delete(flight)).catch(() => undefined);
    }
    return loading;
  }

  private keysOf(collection: CacheCollection): CacheKeys {
    let keys = this.keys.get(collection);
    if (!keys) {
      keys = cacheKeys(this.options.prefix, collection);
      this.keys.set(collection, keys);
    }
    return keys;
  }

  private async loadAndStore(
    key: string,
    generation: string,
    load: () => Promise<unknown>,
  ): Promise<Loaded> {
    const value = await load();
    const json = JSON.stringify(value ?? null);
    // A cache Redis lost mid-load costs the next reader a miss, not this one its answer.
    await this.redis
      .set(key, `${generation}${SEPARATOR}${json}`, 'EX', this.options.ttlSeconds)
      .catch(() => undefined);
    return { value, json };
  }
}
