import type { Connections } from '../../shared/connections.js';

/** Empties the test tables, collections and Redis dbs, so each file starts from nothing. */
export async function resetStores(connections: Connections): Promise<void> {
  await connections.mysql.query('DELETE FROM users');
  await connections.mysql.query('DELETE FROM listings');
  await connections.mysql.query('DELETE FROM customers');
  await connections.mysql.query('DELETE FROM customer_events');
  await connections.mysql.query('DELETE FROM people');
  const db = connections.mongo.db;
  if (db) {
    await db.collection('users').deleteMany({});
    await db.collection('listings').deleteMany({});
    await db.collection('customers').deleteMany({});
    await db.collection('orders').deleteMany({});
    await db.collection('people').deleteMany({});
  }
  await connections.queueRedis.flushdb();
  await connections.cacheRedis.flushdb();
}
