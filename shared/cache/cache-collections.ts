import type { Entity } from '../jobs/job-payloads.js';

/**
 * What the read cache holds, by collection: each entity (the created
 * resources, customers) and orders, which live only in Mongo. Their keys are
 * built in shared/redis-keys.ts.
 */
export type CacheCollection = Entity | 'orders';
