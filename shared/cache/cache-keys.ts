import { ENTITIES } from '../jobs/job-payloads.js';

/**
 * Everything the read cache holds, by collection: the replicated entities plus
 * collections that live only in Mongo (orders). Kept apart from `Entity`,
 * which also names change-event and replication targets.
 */
export const CACHE_COLLECTIONS = [...ENTITIES, 'orders'] as const;
export type CacheCollection = (typeof CACHE_COLLECTIONS)[number];

/**
 * Every cache key is built here. All keys of one collection share a hash tag,
 * so the generation and the entries sit in one Redis Cluster slot and one
 * MGET can read both.
 */
export function cacheKeys(prefix: string, collection: CacheCollection) {
  const base = `${prefix}:cache:{${collection}}`;
  const entryBase = `${base}:e:`;
  return {
    generation: `${base}:gen`,
    /** An entry's key; the entry stores the generation it was built under with its value. */
    entry: (parts: readonly (string | number)[]): string => entryBase + parts.join(':'),
  };
}

export type CacheKeys = ReturnType<typeof cacheKeys>;
