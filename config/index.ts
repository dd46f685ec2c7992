import { validate as isCronExpression } from 'node-cron';
import { ConfigError, EnvReader, type Env } from './env-parsers.js';
import { readRedisSentinels, type RedisSentinel } from './redis-sentinel.js';
import { readBulk, type BulkConfig } from './bulk.js';
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- removed by the config split
import { QUEUE_NAMES, type QueueName } from '../shared/jobs/queue-names.js';

export type { RedisSentinel, BulkConfig };

const ALL_QUEUES: readonly QueueName[] = Object.values(QUEUE_NAMES);

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

/** Services that are not meant to be reached from outside: loopback by default, token when configured. */
export const INTERNAL_SERVICES: readonly ServiceName[] = ['users', 'listings'];

export interface ServiceAddress {
  readonly host: string;
  readonly port: number;
}

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly redis: {
    readonly queueUrl: string;
    readonly cacheUrl: string;
    /** Reach the queue Redis through Sentinel (its URL then gives only credentials and db). */
    readonly queueSentinel?: RedisSentinel;
    readonly cacheSentinel?: RedisSentinel;
  };
  readonly queue: {
    readonly prefix: string;
    readonly attempts: number;
    readonly backoffMs: number;
    readonly keepCompleted: number;
    readonly keepFailed: number;
  };
  readonly cache: {
    readonly prefix: string;
    readonly ttlSeconds: number;
    /** False: every read loads from the database (benchmarks, debugging); writes still invalidate. */
    readonly enabled: boolean;
  };
  readonly mysql: { readonly url: string; readonly poolSize: number };
  readonly mongo: { readonly url: string };
  readonly services: Readonly<Record<ServiceName, ServiceAddress>>;
  /** The operations listener of the API process: Bull Board, API docs, health, metrics. */
  readonly ops: ServiceAddress;
  /** The workers' own small listener: health, readiness, metrics. */
  readonly workerOps: ServiceAddress;
  /** The cron process's own small listener: health, readiness, metrics. */
  readonly cronOps: ServiceAddress;
  /** Bull Board's HTTP basic auth; production refuses to start without a password. */
  readonly board: { readonly user: string; readonly password: string };
  readonly http: { readonly preferWaitMaxSeconds: number };
  /** How the public API reaches the internal services: only over their HTTP APIs. */
  readonly upstreams: {
    readonly usersBaseUrl: string;
    readonly listingsBaseUrl: string;
    /** Deadline for one upstream request: connect, headers and body together. */
    readonly timeoutMs: number;
    /** Keep-alive connections per upstream per process. */
    readonly connections: number;
    /** How long a new listing's user may still be queued before it counts as unknown. */
    readonly userCheckWaitMs: number;
  };
  /** Bulk intake (§7): POST /<resource>/bulk. */
  readonly bulk: BulkConfig;
  /** People service: the largest CSV body POST /people/import reads. */
  readonly people: { readonly importMaxBytes: number };
  readonly worker: {
    /** Jobs a worker process holds at once per queue, shared by its `instances`. */
    readonly concurrency: number;
    /**
     * BullMQ workers per queue in one process. One worker moves its jobs to
     * active one Redis round trip at a time and starts each only between those
     * fetches, so under load fetched jobs wait in its loop; several fetch in parallel.
     */
    readonly instances: number;
    readonly groupCommitMaxBatch: number;
    readonly groupCommitMaxWaitMs: number;
    /**
     * How long a worker's lock on a job lasts without renewal; a job whose
     * worker died is handed to another worker after about this long (and the
     * stalled-job check runs at the same interval).
     */
    readonly lockMs: number;
    /** The queues this worker process consumes (WORKER_QUEUES); every queue by default. */
    readonly queues: readonly QueueName[];
  };
  /** SMTP and addresses of the customer change e-mails (§2.4). No recipients: notifications off. */
  readonly mail: {
    readonly host: string;
    readonly port: number;
    readonly secure: boolean;
    readonly user: string | undefined;
    readonly pass: string | undefined;
    readonly from: string;
    readonly to: readonly string[];
    readonly cc: readonly string[];
    readonly bcc: readonly string[];
    readonly timeoutMs: number;
  };
  /** Retries of one notification e-mail before it stays in the failed set. */
  readonly notify: {
    readonly attempts: number;
    readonly backoffMs: number;
    /** E-mails sent at once per worker process: an SMTP server is not a group-commit store. */
    readonly concurrency: number;
  };
  /** How often a worker re-publishes committed customer events whose publication was lost. */
  readonly outbox: { readonly relayIntervalMs: number };
  readonly orders: {
    /** Orders older than this (by `created_at`) are purged. */
    readonly retentionHours: number;
    /** node-cron expression of the purge schedule. */
    readonly purgeCron: string;
    /** How long the legacy `POST`/`PUT /api/vehicle/order` wait for persistence before answering. */
    readonly legacyWaitSeconds: number;
  };
  /** Replayed answers for `Idempotency-Key` (§3.6). */
  readonly idempotency: {
    /** How long a stored answer is replayed. */
    readonly ttlSeconds: number;
    /** How long a key stays reserved while its first request runs (a crashed process frees it then). */
    readonly pendingTtlSeconds: number;
  };
  /** Refusing writes while a queue is backlogged (§3.7). */
  readonly backpressure: {
    /** Jobs waiting (incl. delayed retries) in one queue above which its writes get 503; 0: off. */
    readonly maxWaiting: number;
    /** How long a process reuses one queue's count before asking Redis again. */
    readonly checkIntervalMs: number;
    readonly retryAfterSeconds: number;
  };
  /** Per-client request budgets (fixed window of one minute); 0: off. */
  readonly rateLimit: {
    /** Writes per client per minute, on every service. */
    readonly writesPerMinute: number;
    /** Requests (reads and writes) per client per minute on the public API. */
    readonly publicPerMinute: number;
    /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
    readonly trustProxy: boolean;
  };
  /** Shared secret the internal services require when set; the public API sends it. */
  readonly serviceToken: string | undefined;
  readonly shutdownTimeoutMs: number;
}

const HTTP_PROTOCOLS = ['http:', 'https:'] as const;

const PORT_VARIABLES: Record<string, string> = {
  users: 'USER_SERVICE_PORT',
  listings: 'LISTING_SERVICE_PORT',
  public: 'PUBLIC_API_PORT',
  customers: 'CUSTOMER_SERVICE_PORT',
  orders: 'ORDER_SERVICE_PORT',
  people: 'PEOPLE_SERVICE_PORT',
  ops: 'OPS_PORT',
  workerOps: 'WORKER_OPS_PORT',
  cronOps: 'CRON_OPS_PORT',
};

function portVariable(name: string): string {
  return PORT_VARIABLES[name] ?? name;
}

/** The URL another process uses to reach a service listening on `address`. */
export function serviceBaseUrl(address: ServiceAddress): string {
  // A wildcard bind address is not somewhere to connect to; loopback reaches it.
  const host = address.host === '0.0.0.0' || address.host === '::' ? '127.0.0.1' : address.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

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
    workerOps: {
      host: read.string('WORKER_OPS_HOST', '127.0.0.1'),
      port: read.port('WORKER_OPS_PORT', 3001),
    },
    cronOps: {
      host: read.string('CRON_OPS_HOST', '127.0.0.1'),
      port: read.port('CRON_OPS_PORT', 3002),
    },
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
  const seen = new Map<string, string>();
  if (config.mail.user !== undefined && config.mail.pass === undefined) {
    read.problem('SMTP_PASS: required when SMTP_USER is set');
  }
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
