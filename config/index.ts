import { validate as isCronExpression } from 'node-cron';
import { ConfigError, EnvReader, type Env } from './env-parsers.js';
import { readRedisSentinels, type RedisSentinel } from './redis-sentinel.js';
import { readBulk, type BulkConfig } from './bulk.js';
import { QUEUE_NAMES, type QueueName } from './queue-names.js';
import { checkDistinctPorts, readListenerAddresses, serviceBaseUrl } from './services.js';
import type { Config } from './types.js';

export type { RedisSentinel, BulkConfig, Config };
export {
  INTERNAL_SERVICES,
  SERVICE_NAMES,
  serviceBaseUrl,
  type ServiceAddress,
  type ServiceName,
} from './services.js';

const ALL_QUEUES: readonly QueueName[] = Object.values(QUEUE_NAMES);

export { ConfigError };

const HTTP_PROTOCOLS = ['http:', 'https:'] as const;

/** Where the public API finds the internal services, and how long it waits for them. */
function readUpstreams(read: EnvReader, services: Config['services']): Config['upstreams'] {
  return {
    // Defaults follow the service addresses, so one process or many work unchanged.
    usersBaseUrl: read.url('USERS_BASE_URL', serviceBaseUrl(services.users), HTTP_PROTOCOLS),
    listingsBaseUrl: read.url(
      'LISTINGS_BASE_URL',
      serviceBaseUrl(services.listings),
      HTTP_PROTOCOLS,
    ),
    timeoutMs: read.int('UPSTREAM_TIMEOUT_MS', 3000, { min: 50, max: 120_000 }),
    connections: read.int('UPSTREAM_CONNECTIONS', 64, { min: 1, max: 10_000 }),
    userCheckWaitMs: read.int('PUBLIC_USER_CHECK_WAIT_MS', 1000, { min: 0, max: 30_000 }),
  };
}

function readRedis(read: EnvReader): Config['redis'] {
  const urls = {
    queueUrl: read.url('REDIS_QUEUE_URL', 'redis://127.0.0.1:6379/0', ['redis:', 'rediss:']),
    cacheUrl: read.url('REDIS_CACHE_URL', 'redis://127.0.0.1:6380/0', ['redis:', 'rediss:']),
  };
  return { ...urls, ...readRedisSentinels(read, urls) };
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
  const nodeEnv = read.oneOf('NODE_ENV', 'development', ['development', 'test', 'production']);
  // A development default only: production must be given a password.
  const boardPassword =
    read.optionalString('BOARD_PASSWORD') ?? (nodeEnv === 'production' ? '' : 'spillway');
  const settings: Omit<Config, 'upstreams'> = {
    env: nodeEnv,
    logLevel: read.oneOf('LOG_LEVEL', 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ]),
    redis: readRedis(read),
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
      enabled: read.bool('CACHE_ENABLED', true),
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
    ...readListenerAddresses(read),
    board: {
      user: read.string('BOARD_USER', 'admin'),
      password: boardPassword,
    },
    http: {
      preferWaitMaxSeconds: read.int('PREFER_WAIT_MAX_SECONDS', 30, { min: 0, max: 600 }),
    },
    bulk: readBulk(read),
    people: {
      importMaxBytes: read.int('PEOPLE_IMPORT_MAX_BYTES', 50 * 1024 * 1024, {
        min: 1024,
        max: 1024 * 1024 * 1024,
      }),
    },
    worker: {
      concurrency: read.int('WORKER_CONCURRENCY', 1000, { min: 1, max: 10_000 }),
      instances: read.int('WORKER_INSTANCES', 8, { min: 1, max: 64 }),
      groupCommitMaxBatch: read.int('GROUP_COMMIT_MAX_BATCH', 500, { min: 1, max: 10_000 }),
      groupCommitMaxWaitMs: read.int('GROUP_COMMIT_MAX_WAIT_MS', 5, { min: 0, max: 10_000 }),
      lockMs: read.int('WORKER_LOCK_MS', 30_000, { min: 1000, max: 3_600_000 }),
      queues: read.listOf('WORKER_QUEUES', ALL_QUEUES, ALL_QUEUES),
    },
    mail: {
      host: read.string('SMTP_HOST', '127.0.0.1'),
      port: read.port('SMTP_PORT', 1025),
      secure: read.bool('SMTP_SECURE', false),
      user: read.optionalString('SMTP_USER'),
      pass: read.optionalString('SMTP_PASS'),
      from: read.address('MAIL_FROM', 'spillway@localhost'),
      to: read.addressList('MAIL_TO'),
      cc: read.addressList('MAIL_CC'),
      bcc: read.addressList('MAIL_BCC'),
      timeoutMs: read.int('SMTP_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }),
    },
    notify: {
      attempts: read.int('NOTIFY_ATTEMPTS', 3, { min: 1, max: 100 }),
      backoffMs: read.int('NOTIFY_BACKOFF_MS', 1000, { min: 1, max: 3_600_000 }),
      concurrency: read.int('NOTIFY_CONCURRENCY', 10, { min: 1, max: 1000 }),
    },
    outbox: {
      relayIntervalMs: read.int('OUTBOX_RELAY_INTERVAL_MS', 5000, { min: 100, max: 3_600_000 }),
    },
    orders: {
      retentionHours: read.int('ORDER_RETENTION_HOURS', 72, { min: 1, max: 87_600 }),
      purgeCron: read.matching(
        'ORDER_PURGE_CRON',
        '*/10 * * * *',
        isCronExpression,
        'a cron expression (5 fields, or 6 with seconds)',
      ),
      legacyWaitSeconds: read.int('ORDER_LEGACY_WAIT_SECONDS', 5, { min: 0, max: 60 }),
    },
    idempotency: {
      ttlSeconds: read.int('IDEMPOTENCY_TTL_SECONDS', 86_400, { min: 1, max: 30 * 86_400 }),
      pendingTtlSeconds: read.int('IDEMPOTENCY_PENDING_TTL_SECONDS', 120, { min: 1, max: 3600 }),
    },
    backpressure: {
      maxWaiting: read.int('BACKPRESSURE_MAX_WAITING', 100_000, { min: 0, max: 1_000_000_000 }),
      checkIntervalMs: read.int('BACKPRESSURE_CHECK_INTERVAL_MS', 250, { min: 0, max: 60_000 }),
      retryAfterSeconds: read.int('BACKPRESSURE_RETRY_AFTER_SECONDS', 5, { min: 1, max: 3600 }),
    },
    rateLimit: {
      writesPerMinute: read.int('RATE_LIMIT_PER_MINUTE', 6000, { min: 0, max: 10_000_000 }),
      publicPerMinute: read.int('PUBLIC_RATE_LIMIT_PER_MINUTE', 6000, {
        min: 0,
        max: 10_000_000,
      }),
      trustProxy: read.bool('TRUST_PROXY', false),
    },
    serviceToken: read.optionalString('SERVICE_TOKEN'),
    shutdownTimeoutMs: read.int('SHUTDOWN_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }),
  };
  const config: Config = { ...settings, upstreams: readUpstreams(read, settings.services) };
  if (boardPassword === '') {
    read.problem('BOARD_PASSWORD: required in production (Bull Board has no default password)');
  }
  if (config.serviceToken !== undefined && config.serviceToken.length < 16) {
    read.problem('SERVICE_TOKEN: expected at least 16 characters');
  }
  if (config.mail.user !== undefined && config.mail.pass === undefined) {
    read.problem('SMTP_PASS: required when SMTP_USER is set');
  }
  checkDistinctPorts(read, config);
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
