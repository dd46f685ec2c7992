import { ConfigError, EnvReader, type Env } from './env-parsers.js';

export { ConfigError };

export const SERVICE_NAMES = [
  'users',
  'listings',
  'public',
  'customers',
  'orders',
  'people',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

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
  /** The operations listener: Bull Board, and the workers' and cron's health and metrics. */
  readonly ops: ServiceAddress;
  readonly http: { readonly preferWaitMaxSeconds: number };
  /** People service: the largest CSV body POST /people/import reads. */
  readonly people: { readonly importMaxBytes: number };
  readonly worker: {
    readonly concurrency: number;
    readonly groupCommitMaxBatch: number;
    readonly groupCommitMaxWaitMs: number;
  };
  readonly shutdownTimeoutMs: number;
}

const PORT_VARIABLES: Record<string, string> = {
  users: 'USER_SERVICE_PORT',
  listings: 'LISTING_SERVICE_PORT',
  public: 'PUBLIC_API_PORT',
  customers: 'CUSTOMER_SERVICE_PORT',
  orders: 'ORDER_SERVICE_PORT',
  people: 'PEOPLE_SERVICE_PORT',
  ops: 'OPS_PORT',
};

function portVariable(name: string): string {
  return PORT_VARIABLES[name] ?? name;
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
      public: {
        host: read.string('PUBLIC_API_HOST', '127.0.0.1'),
        port: read.port('PUBLIC_API_PORT', 7000),
      },
      customers: {
        host: read.string('CUSTOMER_SERVICE_HOST', '127.0.0.1'),
        port: read.port('CUSTOMER_SERVICE_PORT', 8888),
      },
      orders: {
        host: read.string('ORDER_SERVICE_HOST', '127.0.0.1'),
        port: read.port('ORDER_SERVICE_PORT', 8080),
      },
      people: {
        host: read.string('PEOPLE_SERVICE_HOST', '127.0.0.1'),
        port: read.port('PEOPLE_SERVICE_PORT', 5000),
      },
    },
    ops: {
      host: read.string('OPS_HOST', '127.0.0.1'),
      port: read.port('OPS_PORT', 3000),
    },
    http: {
      preferWaitMaxSeconds: read.int('PREFER_WAIT_MAX_SECONDS', 30, { min: 0, max: 600 }),
    },
    people: {
      importMaxBytes: read.int('PEOPLE_IMPORT_MAX_BYTES', 50 * 1024 * 1024, {
        min: 1024,
        max: 1024 * 1024 * 1024,
      }),
    },
    worker: {
      concurrency: read.int('WORKER_CONCURRENCY', 200, { min: 1, max: 10_000 }),
      groupCommitMaxBatch: read.int('GROUP_COMMIT_MAX_BATCH', 500, { min: 1, max: 10_000 }),
      groupCommitMaxWaitMs: read.int('GROUP_COMMIT_MAX_WAIT_MS', 5, { min: 0, max: 10_000 }),
    },
    shutdownTimeoutMs: read.int('SHUTDOWN_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }),
  };
  const seen = new Map<string, string>();
  for (const [name, address] of [
    ...Object.entries(config.services),
    ['ops', config.ops] as const,
  ]) {
    if (address.port === 0) continue;
    const where = `${address.host}:${address.port}`;
    const other = seen.get(where);
    if (other)
      read.problem(`${portVariable(other)} and ${portVariable(name)}: both are ${address.port}`);
    seen.set(where, name);
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
