import type { Connections } from './connections.js';
import type { ReadinessCheck } from './readiness-check.js';
import { pingMongo } from '../databases/mongo-connection.js';
import { pingMysql } from '../databases/mysql-pool.js';

/** What a process may depend on; `/ready` checks exactly the ones it uses. */
export const DEPENDENCIES = ['redis_queue', 'redis_cache', 'mysql', 'mongo'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

/** What a process serves without (§4: the cache is disposable): its loss makes `/ready` `degraded`, not down. */
export const DISPOSABLE_DEPENDENCIES: readonly Dependency[] = ['redis_cache'];

/** The dependencies of several parts of one process, once each, in a fixed order. */
export function unionOf(...uses: readonly (readonly Dependency[])[]): Dependency[] {
  const all = new Set(uses.flat());
  return DEPENDENCIES.filter((dependency) => all.has(dependency));
}

/** `/ready` checks of a process: each connection it uses answers. */
export function readinessChecks(
  connections: Connections,
  uses: readonly Dependency[],
): Record<string, ReadinessCheck> {
  const checks: Record<Dependency, ReadinessCheck> = {
    // The fail-fast connection: a Redis that is down reads as not ready at once, not as a hang.
    redis_queue: async () => void (await connections.queueProducer.ping()),
    redis_cache: async () => void (await connections.cacheRedis.ping()),
    mysql: () => pingMysql(connections.mysql),
    mongo: () => pingMongo(connections.mongo),
  };
  return Object.fromEntries(unionOf(uses).map((dependency) => [dependency, checks[dependency]]));
}
