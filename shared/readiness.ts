import type { Connections } from './connections.js';
import type { ReadinessCheck } from './http/health.routes.js';
import { pingMongo } from './repositories/mongo-connection.repository.js';
import { pingMysql } from './repositories/mysql-pool.repository.js';

/** `/ready` checks of a process: each of its connections answers. */
export function readinessChecks(connections: Connections): Record<string, ReadinessCheck> {
  return {
    // The fail-fast connection: a Redis that is down reads as not ready at once, not as a hang.
    redis_queue: async () => void (await connections.queueProducer.ping()),
    redis_cache: async () => void (await connections.cacheRedis.ping()),
    mysql: () => pingMysql(connections.mysql),
    mongo: () => pingMongo(connections.mongo),
  };
}
