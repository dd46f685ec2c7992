import type { CacheCollectionName } from '../domain-names.js';

/**
 * What the read cache holds, by collection: the domain names them
 * (shared/domain/infra-names.ts: each entity, and orders, which live only in
 * Mongo). Their keys are built in shared/infra/redis/redis-keys.ts.
 */
export type CacheCollection = CacheCollectionName;
