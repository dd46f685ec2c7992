import type { Redis } from 'ioredis';
import { cacheKeys, type CacheCollection } from './cache-keys.js';

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

/**
 * Read-through cache over the cache Redis. Each collection has a generation
 * counter that is part of every entry's key; a write bumps it, which makes
 * every older entry unreachable at once (they expire by TTL / LRU). Because a
 * loader's result is stored under the generation read *before* loading, a
 * write that lands mid-load can never be hidden by a stale entry.
 * Concurrent misses for one key in this process share one load.
 */
export class ReadThroughCache {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly redis: RedisWithReadEntry;

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
    const keys = cacheKeys(this.options.prefix, collection);
    const suffix = keys.entrySuffix(parts);
    const [generation, cached] = await this.redis.spillwayReadEntry(
      keys.generation,
      keys.entryPrefix,
      suffix,
    );
    this.options.onRead?.(collection, cached !== null);
    if (cached !== null) return { value: JSON.parse(cached) as T, hit: true };
    const key = `${keys.entryPrefix}${generation}${suffix}`;
    let loading = this.inFlight.get(key) as Promise<T> | undefined;
    if (!loading) {
      loading = this.loadAndStore(key, load);
      this.inFlight.set(key, loading);
      void loading.finally(() => this.inFlight.delete(key)).catch(() => undefined);
    }
    return { value: await loading, hit: false };
  }

  /** Makes every cached read of the collection stale; called after a write commits. */
  async invalidate(collection: CacheCollection): Promise<void> {
    await this.redis.incr(cacheKeys(this.options.prefix, collection).generation);
  }

  private async loadAndStore<T>(key: string, load: () => Promise<T>): Promise<T> {
    const value = await load();
    await this.redis.set(key, JSON.stringify(value ?? null), 'EX', this.options.ttlSeconds);
    return value;
  }
}
