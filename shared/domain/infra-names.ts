import type { Entity } from './writes/write-jobs.js';

/**
 * The domain's names, handed to infra's generic plumbing (the id counters and
 * claims of shared/infra/redis/redis-keys.ts, IntakeBatcher, the read cache's
 * collections), which may not import them: see shared/infra/domain-names.ts.
 */
declare module '../infra/domain-names.js' {
  interface DomainNames {
    readonly entity: Entity;
    /** Each entity, and orders, which live only in Mongo. */
    readonly cacheCollection: Entity | 'orders';
  }
}
