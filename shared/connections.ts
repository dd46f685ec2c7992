import { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import { createMysqlPool, type MysqlPool } from './repositories/mysql-pool.repository.js';
import { openMongo, type MongoConnection } from './repositories/mongo-connection.repository.js';

export interface Connections {
  /** Durable Redis: queues and id counters. */
  readonly queueRedis: Redis;
  /** Disposable Redis: cached reads. */
  readonly cacheRedis: Redis;
  readonly mysql: MysqlPool;
  readonly mongo: MongoConnection;
}

/**
 * Opens every connection a process needs. `maxRetriesPerRequest: null` is what
 * BullMQ requires of a worker's connection and keeps producers' commands
 * queued across a short Redis restart instead of failing accepted writes.
 */
export async function openConnections(config: Config): Promise<Connections> {
  const queueRedis = new Redis(config.redis.queueUrl, {
    maxRetriesPerRequest: null,
    connectionName: 'spillway-queue',
  });
  const cacheRedis = new Redis(config.redis.cacheUrl, {
    maxRetriesPerRequest: 1,
    connectionName: 'spillway-cache',
  });
  const mysql = createMysqlPool(config.mysql);
  const mongo = await openMongo(config.mongo.url);
  return { queueRedis, cacheRedis, mysql, mongo };
}

export async function closeConnections(connections: Connections): Promise<void> {
  await Promise.allSettled([
    connections.queueRedis.quit(),
    connections.cacheRedis.quit(),
    connections.mysql.end(),
    connections.mongo.close(),
  ]);
}
