import { ENTITIES } from '../jobs/job-payloads.js';

/**
 * Everything the read cache holds, by collection: the replicated entities plus
 * collections that live only in Mongo (orders). Kept apart from `Entity`,
 * which also names change-event and replication targets. Their keys are built
 * in shared/redis-keys.ts.
 */
export const CACHE_COLLECTIONS = [...ENTITIES, 'orders'] as const;
export type CacheCollection = (typeof CACHE_COLLECTIONS)[number];
