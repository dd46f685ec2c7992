import type { Connections } from './connections.js';
import type { ReadinessCheck } from './http/health.routes.js';
import { pingMongo } from './repositories/mongo-connection.repository.js';
import { pingMysql } from './repositories/mysql-pool.repository.js';

/** `/ready` checks of a process: each of its connections answers. */
export function readinessChecks(connections: Connections): Record<string, ReadinessCheck> {
  return {
    redis_queue: async () => void (await connections.queueRedis.ping()),
    redis_cache: async () => void (await connections.cacheRedis.ping()),
    mysql: () => pingMysql(connections.mysql),
    mongo: () => pingMongo(connections.mongo),
  };
}
