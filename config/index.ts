import { ConfigError, EnvReader, type Env } from './env-parsers.js';

export { ConfigError };

export type ServiceName = 'users' | 'listings';
export const SERVICE_NAMES: readonly ServiceName[] = ['users', 'listings'];

export interface ServiceAddress {
  readonly host: string;
  readonly port: number;
}

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly redis: { readonly queueUrl: string; readonly cacheUrl: string };
  readonly queue: {
    readonly prefix: string;
    readonly attempts: number;
    readonly backoffMs: number;
    readonly keepCompleted: number;
    readonly keepFailed: number;
  };
  readonly cache: { readonly prefix: string; readonly ttlSeconds: number };
  readonly mysql: { readonly url: string; readonly poolSize: number };
  readonly mongo: { readonly url: string };
  readonly services: Readonly<Record<ServiceName, ServiceAddress>>;
  readonly http: { readonly preferWaitMaxSeconds: number };
  readonly worker: {
    readonly concurrency: number;
    readonly groupCommitMaxBatch: number;
    readonly groupCommitMaxWaitMs: number;
  };
  readonly shutdownTimeoutMs: number;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Reads and validates every environment variable Spillway uses, once.
 * Throws a ConfigError naming each bad variable; the result is frozen.
 */
export function loadConfig(env: Env = process.env): Config {
  const read = new EnvReader(env);
  const config: Config = {
    env: read.oneOf('NODE_ENV', 'development', ['development', 'test', 'production']),
    logLevel: read.oneOf('LOG_LEVEL', 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ]),
    redis: {
      queueUrl: read.url('REDIS_QUEUE_URL', 'redis://127.0.0.1:6379/0', ['redis:', 'rediss:']),
      cacheUrl: read.url('REDIS_CACHE_URL', 'redis://127.0.0.1:6380/0', ['redis:', 'rediss:']),
    },
    queue: {
      prefix: read.string('QUEUE_PREFIX', '{spillway}'),
      attempts: read.int('JOB_ATTEMPTS', 10, { min: 1, max: 1000 }),
      backoffMs: read.int('JOB_BACKOFF_MS', 500, { min: 1, max: 3_600_000 }),
      keepCompleted: read.int('QUEUE_KEEP_COMPLETED', 1000, { min: 0, max: 1_000_000 }),
      keepFailed: read.int('QUEUE_KEEP_FAILED', 100_000, { min: 0, max: 10_000_000 }),
    },
    cache: {
      prefix: read.string('CACHE_PREFIX', 'spillway'),
      ttlSeconds: read.int('CACHE_TTL_SECONDS', 300, { min: 1, max: 86_400 }),
    },
    mysql: {
      url: read.url('MYSQL_URL', 'mysql://spillway:spillway@127.0.0.1:3306/spillway', ['mysql:']),
      poolSize: read.int('MYSQL_POOL_SIZE', 20, { min: 1, max: 1000 }),
    },
    mongo: {
      url: read.url('MONGO_URL', 'mongodb://127.0.0.1:27017/spillway', [
        'mongodb:',
        'mongodb+srv:',
      ]),
    },
    services: {
      users: {
        host: read.string('USER_SERVICE_HOST', '127.0.0.1'),
        port: read.port('USER_SERVICE_PORT', 8000),
      },
      listings: {
        host: read.string('LISTING_SERVICE_HOST', '127.0.0.1'),
        port: read.port('LISTING_SERVICE_PORT', 6000),
      },
    },
    http: {
      preferWaitMaxSeconds: read.int('PREFER_WAIT_MAX_SECONDS', 30, { min: 0, max: 600 }),
    },
    worker: {
      concurrency: read.int('WORKER_CONCURRENCY', 200, { min: 1, max: 10_000 }),
      groupCommitMaxBatch: read.int('GROUP_COMMIT_MAX_BATCH', 500, { min: 1, max: 10_000 }),
      groupCommitMaxWaitMs: read.int('GROUP_COMMIT_MAX_WAIT_MS', 5, { min: 0, max: 10_000 }),
    },
    shutdownTimeoutMs: read.int('SHUTDOWN_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }),
  };
  const { users, listings } = config.services;
  if (users.port !== 0 && users.port === listings.port && users.host === listings.host) {
    read.problem(`USER_SERVICE_PORT and LISTING_SERVICE_PORT: both are ${users.port}`);
  }
  read.assertValid();
  return deepFreeze(config);
}

/** For entry files: a bad configuration stops the process with a message naming each variable. */
export function loadConfigOrExit(env: Env = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
