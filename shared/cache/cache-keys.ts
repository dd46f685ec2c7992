import type { Entity } from '../jobs/job-payloads.js';

/**
 * Every cache key is built here. All keys of one collection share a hash tag,
 * so the generation and the entries sit in one Redis Cluster slot and one Lua
 * call can read both.
 */
export function cacheKeys(prefix: string, collection: Entity) {
  const base = `${prefix}:cache:{${collection}}`;
  return {
    generation: `${base}:gen`,
    /** Entries are namespaced by generation; `entryPrefix + gen + entrySuffix` is the key. */
    entryPrefix: `${base}:g`,
    entrySuffix: (parts: readonly (string | number)[]): string => `:${parts.join(':')}`,
  };
}

export type CacheKeys = ReturnType<typeof cacheKeys>;
