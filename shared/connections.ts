import { Redis, type RedisOptions } from 'ioredis';
import type { Config, RedisSentinel } from '../config/index.js';
import { createMysqlPool, type MysqlPool } from './repositories/mysql-pool.repository.js';
import { openMongo, type MongoConnection } from './repositories/mongo-connection.repository.js';

export interface Connections {
  /** Durable Redis: queues and id counters; commands wait across a restart (workers, events). */
  readonly queueRedis: Redis;
  /**
   * The same Redis for request handlers: fails at once while Redis is
   * unreachable, so a write is answered 503 instead of hanging until it returns.
   */
  readonly queueProducer: Redis;
  /** Disposable Redis: cached reads. */
  readonly cacheRedis: Redis;
  readonly mysql: MysqlPool;
  readonly mongo: MongoConnection;
}

/**
 * A client for the Redis at `url`, or, with `sentinel`, for the primary the
 * sentinels name: ioredis asks them where it is, and listens to them for a
 * failover (`failoverDetector`), so it moves to the new primary at once
 * instead of writing to a demoted one (the URL still gives the credentials
 * and the db number).
 */
function redisClient(url: string, sentinel: RedisSentinel | undefined, options: RedisOptions) {
  if (!sentinel) return new Redis(url, options);
  return new Redis(url, {
    ...options,
    sentinels: [...sentinel.sentinels],
    name: sentinel.name,
    ...(sentinel.password ? { sentinelPassword: sentinel.password } : {}),
    failoverDetector: true,
  });
}

/**
 * Opens every connection a process needs. `maxRetriesPerRequest: null` is what
 * BullMQ requires of a worker's connection and keeps producers' commands
 * queued across a short Redis restart instead of failing accepted writes.
 */
export async function openConnections(config: Config): Promise<Connections> {
  const { queueUrl, queueSentinel, cacheUrl, cacheSentinel } = config.redis;
  const queueRedis = redisClient(queueUrl, queueSentinel, {
    maxRetriesPerRequest: null,
    connectionName: 'spillway-queue',
  });
  const queueProducer = redisClient(queueUrl, queueSentinel, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectionName: 'spillway-queue-producer',
  });
  // Failures reach the caller of each command; reconnection is automatic.
  queueProducer.on('error', () => undefined);
  const cacheRedis = redisClient(cacheUrl, cacheSentinel, {
    maxRetriesPerRequest: 1,
    // Cache reads of concurrent requests share one socket write and one reply read
    // per event-loop turn instead of one syscall each (the hot read path's top cost).
    enableAutoPipelining: true,
    connectionName: 'spillway-cache',
  });
  const mysql = createMysqlPool(config.mysql);
  const mongo = await openMongo(config.mongo.url);
  // With no offline queue, a command sent before the first connect would fail: wait for it.
  if (queueProducer.status !== 'ready') {
    await new Promise((resolve) => queueProducer.once('ready', resolve));
  }
  return { queueRedis, queueProducer, cacheRedis, mysql, mongo };
}

export async function closeConnections(connections: Connections): Promise<void> {
  await Promise.allSettled([
    connections.queueRedis.quit(),
    connections.queueProducer.quit(),
    connections.cacheRedis.quit(),
    connections.mysql.end(),
    connections.mongo.close(),
  ]);
}
