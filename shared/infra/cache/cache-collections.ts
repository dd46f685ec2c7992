import type { Entity } from '../../domain/writes/write-jobs.js';

/**
 * What the read cache holds, by collection: each entity (the created
 * resources, customers) and orders, which live only in Mongo. Their keys are
 * built in shared/infra/redis/redis-keys.ts.
 */
export type CacheCollection = Entity | 'orders';
