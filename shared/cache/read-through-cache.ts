import type { Redis } from 'ioredis';
import {
  CACHE_COLLECTIONS,
  cacheKeys,
  type CacheCollection,
  type CacheKeys,
} from './cache-keys.js';

/** Reads the collection's generation and the entry under it in one round trip. */
const READ_ENTRY = `
local generation = redis.call('GET', KEYS[1]) or '0'
return {generation, redis.call('GET', ARGV[1] .. generation .. ARGV[2])}
`;

export interface CacheRead<T> {
  readonly value: T;
  readonly hit: boolean;
}

type RedisWithReadEntry = Redis & {
  spillwayReadEntry(
    genKey: string,
    prefix: string,
    suffix: string,
  ): Promise<[string, string | null]>;
};

/** One load's result, both as loaded and as the JSON text the cache stores. */
interface Loaded {
  readonly value: unknown;
  readonly json: string;
}

/**
 * Read-through cache over the cache Redis. Each collection has a generation
 * counter that is part of every entry's key; a write bumps it, which makes
 * every older entry unreachable at once (they expire by TTL / LRU). Because a
 * loader's result is stored under the generation read *before* loading, a
 * write that lands mid-load can never be hidden by a stale entry.
 * Concurrent misses for one key in this process share one load.
 */
export class ReadThroughCache {
  private readonly inFlight = new Map<string, Promise<Loaded>>();
  private readonly redis: RedisWithReadEntry;
  /** Built once: key strings are on every read's path. */
  private readonly keys: ReadonlyMap<CacheCollection, CacheKeys>;

  constructor(
    redis: Redis,
    private readonly options: {
      prefix: string;
      ttlSeconds: number;
      /** False: every read calls its loader and nothing is stored (CACHE_ENABLED=false). */
      enabled?: boolean;
      /** Told of every read and whether it was a hit (metrics). */
      onRead?: (collection: CacheCollection, hit: boolean) => void;
    },
  ) {
    if (!('spillwayReadEntry' in redis)) {
      redis.defineCommand('spillwayReadEntry', { numberOfKeys: 1, lua: READ_ENTRY });
    }
    this.redis = redis as RedisWithReadEntry;
    this.keys = new Map(CACHE_COLLECTIONS.map((c) => [c, cacheKeys(options.prefix, c)]));
  }

  async read<T>(
    collection: CacheCollection,
    parts: readonly (string | number)[],
    load: () => Promise<T>,
  ): Promise<CacheRead<T>> {
    if (this.options.enabled === false) {
      // No Redis round trip at all, so "uncached" measures the database path alone.
      this.options.onRead?.(collection, false);
      return { value: await load(), hit: false };
    }
    const read = await this.lookup(collection, parts, load);
    if (typeof read === 'string') return { value: JSON.parse(read) as T, hit: true };
    return { value: read.value as T, hit: false };
  }

  /**
   * Like `read`, but answers the value as the JSON text of `JSON.stringify(value ?? null)`
   * and never parses a hit: for answers that embed the value as is (the hot
   * read path writes it straight into the response body).
   */
  async readJson<T>(
    collection: CacheCollection,
    parts: readonly (string | number)[],
    load: () => Promise<T>,
  ): Promise<CacheRead<string>> {
    if (this.options.enabled === false) {
      this.options.onRead?.(collection, false);
      return { value: JSON.stringify((await load()) ?? null), hit: false };
    }
    const read = await this.lookup(collection, parts, load);
    if (typeof read === 'string') return { value: read, hit: true };
    return { value: read.json, hit: false };
  }

  /** Makes every cached read of the collection stale; called after a write commits. */
  async invalidate(collection: CacheCollection): Promise<void> {
    await this.redis.incr(this.keysOf(collection).generation);
  }

  /** The stored JSON text on a hit; on a miss, the result of the (shared) load that stores it. */
  private async lookup(
    collection: CacheCollection,
    parts: readonly (string | number)[],
    load: () => Promise<unknown>,
  ): Promise<string | Loaded> {
    const keys = this.keysOf(collection);
    const suffix = keys.entrySuffix(parts);
    const [generation, cached] = await this.redis.spillwayReadEntry(
      keys.generation,
      keys.entryPrefix,
      suffix,
    );
    this.options.onRead?.(collection, cached !== null);
    if (cached !== null) return cached;
    const key = `${keys.entryPrefix}${generation}${suffix}`;
    let loading = this.inFlight.get(key);
    if (!loading) {
      loading = this.loadAndStore(key, load);
      this.inFlight.set(key, loading);
      void loading.finally(() => this.inFlight.delete(key)).catch(() => undefined);
    }
    return loading;
  }

  private keysOf(collection: CacheCollection): CacheKeys {
    return this.keys.get(collection) ?? cacheKeys(this.options.prefix, collection);
  }

  private async loadAndStore(key: string, load: () => Promise<unknown>): Promise<Loaded> {
    const value = await load();
    const json = JSON.stringify(value ?? null);
    await this.redis.set(key, json, 'EX', this.options.ttlSeconds);
    return { value, json };
  }
}
