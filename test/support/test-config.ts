import { loadConfig, type Config } from '../../config/index.js';
import { testRedisMode, testSlot } from '../../config/test-slot.js';
import { CACHE_CLUSTER_NODES, QUEUE_CLUSTER_NODES } from './redis-cluster-topology.js';

const slot = testSlot();
const database = slot === 0 ? 'spillway_test' : `spillway_test_${slot}`;
const redisDb = String(1 + slot);

/** Whether this run's Redis is the local queue and cache Redis Clusters (SPILLWAY_TEST_REDIS=cluster). */
export const ON_REDIS_CLUSTER = testRedisMode() === 'cluster';

/**
 * The Redis of this run. A cluster has only db 0 and is shared by every slot,
 * so there a slot's keys are told apart by their prefix instead; its write
 * queues are split into 3 shards, one per master.
 */
const REDIS: Record<string, string> = ON_REDIS_CLUSTER
  ? {
      REDIS_QUEUE_URL: 'redis://127.0.0.1:7300/0',
      REDIS_QUEUE_CLUSTER_NODES: QUEUE_CLUSTER_NODES,
      REDIS_CACHE_URL: 'redis://127.0.0.1:7400/0',
      REDIS_CACHE_CLUSTER_NODES: CACHE_CLUSTER_NODES,
      QUEUE_PREFIX: `spillway-test-${slot}`,
      CACHE_PREFIX: `spillway-test-${slot}`,
      QUEUE_SHARDS: '3',
    }
  : {
      REDIS_QUEUE_URL: `redis://127.0.0.1:6379/${redisDb}`,
      REDIS_CACHE_URL: `redis://127.0.0.1:6380/${redisDb}`,
    };

/** The stores of this run's slot, shared by in-process tests and child processes. */
const STORES = {
  MYSQL_URL: `mysql://spillway:spillway@127.0.0.1:3306/${database}`,
  MONGO_URL: `mongodb://127.0.0.1:27017/${database}`,
  ...REDIS,
};

/**
 * Configuration for tests: the same loopback servers as development, but the
 * `spillway_test` databases and Redis db 1 (or those of SPILLWAY_TEST_SLOT), so a test run never touches
 * development data. Ports 0: every test app picks a free port.
 */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ...STORES,
    USER_SERVICE_PORT: '0',
    LISTING_SERVICE_PORT: '0',
    PUBLIC_API_PORT: '0',
    CUSTOMER_SERVICE_PORT: '0',
    ORDER_SERVICE_PORT: '0',
    PEOPLE_SERVICE_PORT: '0',
    OPS_PORT: '0',
    WORKER_OPS_PORT: '0',
    CRON_OPS_PORT: '0',
    JOB_BACKOFF_MS: '100',
    // Tests send bursts from one address; the rate-limit test turns limits on itself.
    RATE_LIMIT_PER_MINUTE: '0',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '0',
    ...overrides,
  });
}

/** The environment for a child process that should use the test stores. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    ...STORES,
    OPS_PORT: '0',
    WORKER_OPS_PORT: '0',
    CRON_OPS_PORT: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '0',
    ...overrides,
  };
}
