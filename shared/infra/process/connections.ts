import type { Config } from '../../../config/index.js';
import { closeRedis, readyClient, redisClient, type RedisClient } from '../redis/redis-client.js';
import { createMysqlPool, type MysqlPool } from '../databases/mysql-pool.js';
import { openMongo, type MongoConnection } from '../databases/mongo-connection.js';

export interface Connections {
  /** Durable Redis: queues and id counters; commands wait across a restart (workers, events). */
  readonly queueRedis: RedisClient;
  /**
   * The same Redis for request handlers: fails at once while Redis is
   * unreachable, so a write is answered 503 instead of hanging until it returns.
   */
  readonly queueProducer: RedisClient;
  /** Disposable Redis: cached reads. */
  readonly cacheRedis: RedisClient;
  readonly mysql: MysqlPool;
  readonly mongo: MongoConnection;
}

/** The longest a command to the cache Redis may take before the cache is passed by. */
const CACHE_COMMAND_TIMEOUT_MS = 500;

/**
 * Opens every connection a process needs. `maxRetriesPerRequest: null` is what
 * BullMQ requires of a worker's connection and keeps producers' commands
 * queued across a short Redis restart instead of failing accepted writes.
 */
export async function openConnections(config: Config): Promise<Connections> {
  const { redis } = config;
  const queue = { url: redis.queueUrl, sentinel: redis.queueSentinel, cluster: redis.queueCluster };
  const cache = { url: redis.cacheUrl, sentinel: redis.cacheSentinel, cluster: redis.cacheCluster };
  const queueRedis = redisClient(queue, {
    maxRetriesPerRequest: null,
    connectionName: 'spillway-queue',
  });
  const queueProducer = redisClient(queue, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectionName: 'spillway-queue-producer',
  });
  // Failures reach the caller of each command; reconnection is automatic.
  queueProducer.on('error', () => undefined);
  // The cache is disposable (§4): while it is down a command fails at once (no
  // offline queue) and a hung one gives up after CACHE_COMMAND_TIMEOUT_MS, so reads
  // go to the stores, rate limits fail open and writes never wait on it.
  const cacheRedis = redisClient(cache, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: CACHE_COMMAND_TIMEOUT_MS,
    // Cache reads of concurrent requests share one socket write and one reply read
    // per event-loop turn instead of one syscall each (the hot read path's top cost).
    enableAutoPipelining: true,
    connectionName: 'spillway-cache',
  });
  cacheRedis.on('error', () => undefined);
  const mysql = createMysqlPool(config.mysql);
  const mongo = await openMongo(config.mongo.url, { poolSize: config.mongo.poolSize });
  // With no offline queue, a command sent before the first connect would fail: wait for it.
  await readyClient(queueProducer);
  return { queueRedis, queueProducer, cacheRedis, mysql, mongo };
}

export async function closeConnections(connections: Connections): Promise<void> {
  await Promise.allSettled([
    closeRedis(connections.queueRedis),
    closeRedis(connections.queueProducer),
    closeRedis(connections.cacheRedis),
    connections.mysql.end(),
    connections.mongo.close(),
  ]);
}
