import { loadConfig, type Config } from '../../config/index.js';

/**
 * Configuration for tests: the same loopback servers as development, but the
 * `spillway_test` databases and Redis db 1, so a test run never touches
 * development data. Ports 0: every test app picks a free port.
 */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    MYSQL_URL: 'mysql://spillway:spillway@127.0.0.1:3306/spillway_test',
    MONGO_URL: 'mongodb://127.0.0.1:27017/spillway_test',
    REDIS_QUEUE_URL: 'redis://127.0.0.1:6379/1',
    REDIS_CACHE_URL: 'redis://127.0.0.1:6380/1',
    USER_SERVICE_PORT: '0',
    LISTING_SERVICE_PORT: '0',
    JOB_BACKOFF_MS: '100',
    ...overrides,
  });
}

/** The environment for a child process that should use the test stores. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    MYSQL_URL: 'mysql://spillway:spillway@127.0.0.1:3306/spillway_test',
    MONGO_URL: 'mongodb://127.0.0.1:27017/spillway_test',
    REDIS_QUEUE_URL: 'redis://127.0.0.1:6379/1',
    REDIS_CACHE_URL: 'redis://127.0.0.1:6380/1',
    ...overrides,
  };
}
