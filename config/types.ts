import type { BulkConfig } from './bulk.js';
import type { RedisCluster, RedisSentinel } from './redis.js';
import type { ServiceAddress, ServiceName } from './services.js';
import type { TracingConfig } from './tracing.js';

/** What an HTTP listener allows a client: see readHttpServer in http.ts. */
export interface HttpServerTimeouts {
  /** From a request's first byte to the end of its headers; over it the answer is 408. */
  readonly headersTimeoutMs: number;
  /** From a request's first byte to the end of its body; over it the answer is 408. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveTimeoutMs: number;
  /**
   * From a request's headers to the end of its body on every route that does
   * not stream a large body (all but bulk and import); over it the answer is 408.
   */
  readonly shortRequestTimeoutMs: number;
  /** Open connections one listener takes; more are closed as they arrive. */
  readonly maxConnections: number;
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
    /** The queue Redis is a Redis Cluster (its URL then gives only credentials). */
    readonly queueCluster?: RedisCluster;
    readonly cacheCluster?: RedisCluster;
    /** A write is acknowledged once `replicas` replicas hold its job (WAIT); 0: on the primary's word. */
    readonly replicaAck: { readonly replicas: number; readonly timeoutMs: number };
  };
  readonly queue: {
    /**
     * Prefix of every queue-Redis key. With braces (`{spillway}`, the default
     * on one Redis) it is the hash tag of all of them; without, each queue
     * and each key family carries a tag of its own (required on a cluster).
     */
    readonly prefix: string;
    /** BullMQ queues each write queue is split into by resource id (QUEUE_SHARDS). */
    readonly shards: number;
    readonly attempts: number;
    readonly backoffMs: number;
    readonly keepCompleted: number;
    readonly keepFailed: number;
    /** How long a key's write head outlives the write that the store last caught up with (KEY_HEAD_TTL_MS). */
    readonly headTtlMs: number;
  };
  readonly cache: {
    readonly prefix: string;
    readonly ttlSeconds: number;
    /** False: every read loads from the database (benchmarks, debugging); writes still invalidate. */
    readonly enabled: boolean;
    /** `Cache-Control: max-age` of every successful read, for HTTP caches (0: `no-cache`, revalidate every time). */
    readonly controlMaxAgeSeconds: number;
  };
  readonly mysql: { readonly url: string; readonly poolSize: number };
  readonly mongo: { readonly url: string; readonly poolSize: number };
  readonly services: Readonly<Record<ServiceName, ServiceAddress>>;
  /** The operations listener of the API process: Bull Board, API docs, health, metrics. */
  readonly ops: ServiceAddress;
  /** The workers' own small listener: health, readiness, metrics. */
  readonly workerOps: ServiceAddress;
  /** The cron process's own small listener: health, readiness, metrics. */
  readonly cronOps: ServiceAddress;
  /** Bull Board's HTTP basic auth; production refuses to start without a password. */
  readonly board: {
    readonly user: string;
    readonly password: string;
    /** A read-only login (BOARD_VIEWER_USER / BOARD_VIEWER_PASSWORD): sees the queues, changes nothing. */
    readonly viewer?: { readonly user: string; readonly password: string };
  };
  readonly http: {
    readonly preferWaitMaxSeconds: number;
    /** Items a page asked by number may skip ((page_num − 1) × page_size); past it, `after=<cursor>`. */
    readonly maxPageOffset: number;
  };
  /** Bounds every HTTP listener puts on a client (services, ops, worker and cron probes). */
  readonly httpServer: HttpServerTimeouts;
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
  readonly people: {
    readonly importMaxBytes: number;
    /** The largest id a CSV row may bring; ids above it are left to the counter (PEOPLE_MAX_IMPORT_ID). */
    readonly maxImportId: number;
  };
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
    /**
     * The queues this worker process consumes (WORKER_QUEUES); undefined
     * (unset): every queue it has. Config checks only their form; the worker
     * process refuses at start-up a name it has no consumer for, its queues
     * being made from the resources it is given (a created resource's is
     * `persist-<entity>`, from its descriptor).
     */
    readonly queues: readonly string[] | undefined;
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
    /** Most orders one purge delete removes; the purge loops until none are left. */
    readonly purgeBatchSize: number;
    /** How long the legacy `POST`/`PUT /api/vehicle/order` wait for persistence before answering. */
    readonly legacyWaitSeconds: number;
  };
  /** Replayed answers for `Idempotency-Key` (§3.6). */
  readonly idempotency: {
    /** How long a stored answer is replayed. */
    readonly ttlSeconds: number;
    /**
     * How long a key stays reserved while its first request runs (a crashed
     * process frees it then; a retry then repeats the write it had planned).
     */
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
  /** Per-client request budgets (a token bucket holding one minute's budget); 0: off. */
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
  /** The listeners that face the internet, and the token that opens their probes (issue 31). */
  readonly edge: {
    /** Services whose listener faces the internet: no `/metrics` or `/ready` there without the token. */
    readonly services: readonly ServiceName[];
    /** Bearer token that opens `/metrics` and `/ready` on those listeners; unset: not served there. */
    readonly probeToken: string | undefined;
    /** Open connections one client address may hold on those listeners; 0: no cap. */
    readonly connectionsPerClient: number;
  };
  /** OpenTelemetry traces (the standard OTEL_* variables): off unless an exporter is configured. */
  readonly tracing: TracingConfig;
  readonly shutdownTimeoutMs: number;
}
