import { Cluster } from 'ioredis';
import type { Config } from '../../config/index.js';
import type { Connections } from '../../shared/infra/process/connections.js';
import type { RedisClient } from '../../shared/infra/redis/redis-client.js';
import { deleteOwnKeys } from './own-keys.js';
import { testConfig } from './test-config.js';

/**
 * Empties one Redis role for a test: its db on a single Redis; on a cluster
 * (shared by every test slot, and with only db 0) the keys under this run's
 * prefix, on every master.
 */
export async function emptyRedis(client: RedisClient, prefix: string): Promise<void> {
  if (client instanceof Cluster) await deleteOwnKeys(client, prefix);
  else await client.flushdb();
}

/** Empties the cache Redis of this run (cached reads start cold). */
export async function emptyCache(
  connections: Connections,
  config: Config = testConfig(),
): Promise<void> {
  await emptyRedis(connections.cacheRedis, config.cache.prefix);
}

/** Empties the test tables, collections and Redis dbs, so each file starts from nothing. */
export async function resetStores(
  connections: Connections,
  config: Config = testConfig(),
): Promise<void> {
  await connections.mysql.query('DELETE FROM users');
  await connections.mysql.query('DELETE FROM listings');
  await connections.mysql.query('DELETE FROM customers');
  await connections.mysql.query('DELETE FROM customer_events');
  await connections.mysql.query('DELETE FROM people');
  await connections.mysql.query('DELETE FROM dead_letters');
  const db = connections.mongo.db;
  if (db) {
    await db.collection('users').deleteMany({});
    await db.collection('listings').deleteMany({});
    await db.collection('customers').deleteMany({});
    await db.collection('orders').deleteMany({});
    await db.collection('people').deleteMany({});
  }
  await emptyRedis(connections.queueRedis, config.queue.prefix);
  await emptyCache(connections, config);
}
