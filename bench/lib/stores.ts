import { loadConfig, type Config } from '../../config/index.js';
import { openConnections, type Connections } from '../../shared/infra/process/connections.js';
import { MIGRATIONS_DIR } from '../../shared/domain/mysql/migrations-dir.js';
import { applyMigrations } from '../../shared/domain/repositories/schema-migrations.repository.js';

/**
 * The benchmark's own stores, so a run never touches development or test data:
 * the `spillway_bench` databases (scripts/services.sh creates the MySQL one)
 * and Redis db 10 on both Redis servers. BENCH_* variables override them (the
 * quick-mode test points the benchmark at its test slot's stores).
 */
export function benchStores(): Record<string, string> {
  const env = process.env;
  return {
    MYSQL_URL: env.BENCH_MYSQL_URL ?? 'mysql://spillway:spillway@127.0.0.1:3306/spillway_bench',
    MONGO_URL: env.BENCH_MONGO_URL ?? 'mongodb://127.0.0.1:27017/spillway_bench',
    REDIS_QUEUE_URL: env.BENCH_REDIS_QUEUE_URL ?? 'redis://127.0.0.1:6379/10',
    REDIS_CACHE_URL: env.BENCH_REDIS_CACHE_URL ?? 'redis://127.0.0.1:6380/10',
  };
}

/** The environment of every Spillway child the benchmark starts (API, workers). */
export function benchEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    BOARD_PASSWORD: 'bench',
    ...benchStores(),
    OPS_PORT: '0',
    WORKER_OPS_PORT: '0',
    CRON_OPS_PORT: '0',
    // One load generator is one client: per-client rate limits would cap it at the
    // limit, and the accept scenario queues writes with no workers running, so the
    // backlog bound would refuse it. Both are policies, not the pipeline's speed.
    RATE_LIMIT_PER_MINUTE: '0',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '0',
    BACKPRESSURE_MAX_WAITING: '100000000',
    ...overrides,
  };
}

export function benchConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ ...benchEnv(), LOG_LEVEL: 'silent', ...overrides });
}

/** Connections of the benchmark process itself (seeding, counting, Redis INFO). */
export async function openBenchStores(): Promise<{ config: Config; connections: Connections }> {
  const config = benchConfig();
  await applyMigrations(config.mysql.url, MIGRATIONS_DIR);
  return { config, connections: await openConnections(config) };
}

/** Empties what the benchmark writes: listings and users, their replicas, both Redis dbs. */
export async function resetBenchStores(connections: Connections): Promise<void> {
  // TRUNCATE, not DELETE: deleting 100,000 rows leaves InnoDB purging them in
  // the background, on the CPU and disk of the next scenario.
  await connections.mysql.query('TRUNCATE TABLE listings');
  await connections.mysql.query('TRUNCATE TABLE users');
  for (const name of ['listings', 'users']) await emptyCollection(connections, name);
  await connections.queueRedis.flushdb();
  await connections.cacheRedis.flushdb();
}

/**
 * Drops the collection: FerretDB (SQLite) refuses one deleteMany over ~100,000
 * documents ("too many SQL variables") and deletes in chunks at ~500 docs/s.
 * The replica collections need no index but `_id`, which Mongo recreates.
 */
async function emptyCollection(connections: Connections, name: string): Promise<void> {
  const db = connections.mongo.db;
  if (!db) return;
  const exists = await db.listCollections({ name }).hasNext();
  if (exists) await db.collection(name).drop();
}

/** Rows in MySQL and documents in Mongo of the listings table / collection. */
export async function countListings(
  connections: Connections,
): Promise<{ mysql: number; mongo: number }> {
  const [rows] = await connections.mysql.query('SELECT COUNT(*) AS n FROM listings');
  const mysql = Number((rows as { n: number }[])[0]?.n ?? 0);
  const mongo = (await connections.mongo.db?.collection('listings').countDocuments({})) ?? 0;
  return { mysql, mongo };
}
