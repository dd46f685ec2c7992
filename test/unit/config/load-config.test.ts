import { expect } from 'chai';
import { ConfigError, loadConfig, type Config } from '../../../config/index.js';

/** Runs loadConfig and returns the ConfigError it throws; fails the test if it does not throw one. */
function configErrorFor(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  expect.fail(`loadConfig accepted ${JSON.stringify(env)}`);
}

const DEFAULTS: Config = {
  env: 'development',
  logLevel: 'info',
  redis: {
    queueUrl: 'redis://127.0.0.1:6379/0',
    cacheUrl: 'redis://127.0.0.1:6380/0',
    replicaAck: { replicas: 0, timeoutMs: 2000 },
  },
  queue: {
    prefix: '{spillway}',
    shards: 1,
    attempts: 10,
    backoffMs: 500,
    keepCompleted: 1000,
    keepFailed: 100_000,
    headTtlMs: 600_000,
  },
  cache: { prefix: 'spillway', ttlSeconds: 300, enabled: true, controlMaxAgeSeconds: 5 },
  mysql: { url: 'mysql://spillway:spillway@127.0.0.1:3306/spillway', poolSize: 20 },
  mongo: { url: 'mongodb://127.0.0.1:27017/spillway', poolSize: 4 },
  services: {
    users: { host: '127.0.0.1', port: 8000 },
    listings: { host: '127.0.0.1', port: 6000 },
    public: { host: '127.0.0.1', port: 7000 },
    customers: { host: '127.0.0.1', port: 8888 },
    orders: { host: '127.0.0.1', port: 8080 },
    people: { host: '127.0.0.1', port: 5000 },
  },
  ops: { host: '127.0.0.1', port: 3000 },
  workerOps: { host: '127.0.0.1', port: 3001 },
  cronOps: { host: '127.0.0.1', port: 3002 },
  board: { user: 'admin', password: 'spillway' },
  http: { preferWaitMaxSeconds: 30, maxPageOffset: 10_000 },
  httpServer: {
    headersTimeoutMs: 30_000,
    requestTimeoutMs: 900_000,
    keepAliveTimeoutMs: 65_000,
    shortRequestTimeoutMs: 30_000,
    maxConnections: 10_000,
  },
  upstreams: {
    usersBaseUrl: 'http://127.0.0.1:8000',
    listingsBaseUrl: 'http://127.0.0.1:6000',
    timeoutMs: 3000,
    connections: 64,
    userCheckWaitMs: 1000,
  },
  bulk: { maxItems: 10_000, maxBytes: 64 * 1024 * 1024, maxItemBytes: 64 * 1024, chunkSize: 500 },
  people: { importMaxBytes: 50 * 1024 * 1024, maxImportId: 2 ** 52 },
  worker: {
    concurrency: 1000,
    instances: 8,
    groupCommitMaxBatch: 500,
    groupCommitMaxWaitMs: 5,
    lockMs: 30_000,
    // Unset: every queue the worker process has (made from its resources, not listed in config).
    queues: undefined,
  },
  mail: {
    host: '127.0.0.1',
    port: 1025,
    secure: false,
    user: undefined,
    pass: undefined,
    from: 'spillway@localhost',
    to: [],
    cc: [],
    bcc: [],
    timeoutMs: 10_000,
  },
  notify: { attempts: 3, backoffMs: 1000, concurrency: 10 },
  outbox: { relayIntervalMs: 5000 },
  orders: {
    retentionHours: 72,
    purgeCron: '*/10 * * * *',
    purgeBatchSize: 10_000,
    legacyWaitSeconds: 5,
  },
  idempotency: { ttlSeconds: 86_400, pendingTtlSeconds: 120 },
  backpressure: { maxWaiting: 100_000, checkIntervalMs: 250, retryAfterSeconds: 5 },
  rateLimit: { writesPerMinute: 0, publicPerMinute: 6000, trustProxy: false },
  serviceToken: undefined,
  edge: { services: ['public'], probeToken: undefined, connectionsPerClient: 64 },
  tracing: { enabled: false, sampler: { name: 'parentbased_always_on', ratio: 1 } },
  shutdownTimeoutMs: 10_000,
};

describe('loadConfig(env)', () => {
  describe('with an empty environment', () => {
    it('returns every documented default', () => {
      expect(loadConfig({})).to.deep.equal(DEFAULTS);
    });

    it('treats a variable set to the empty string as unset', () => {
      expect(loadConfig({ MYSQL_POOL_SIZE: '', NODE_ENV: '', MYSQL_URL: '' })).to.deep.equal(
        DEFAULTS,
      );
    });
  });

  describe('with valid values', () => {
    it('parses integers, ports, enums and URLs from their string form', () => {
      const config = loadConfig({
        NODE_ENV: 'production',
        BOARD_PASSWORD: 'board-secret',
        LOG_LEVEL: 'warn',
        MYSQL_POOL_SIZE: '50',
        MYSQL_URL: 'mysql://app:pw@db.internal:3307/app',
        USER_SERVICE_HOST: '0.0.0.0',
        USER_SERVICE_PORT: '9000',
        LISTING_SERVICE_PORT: '9001',
        REDIS_QUEUE_URL: 'rediss://queue.internal:6379/1',
        MONGO_URL: 'mongodb+srv://cluster.example.net/spillway',
        GROUP_COMMIT_MAX_WAIT_MS: '0',
      });
      expect(config.env).to.equal('production');
      expect(config.logLevel).to.equal('warn');
      expect(config.mysql).to.deep.equal({
        url: 'mysql://app:pw@db.internal:3307/app',
        poolSize: 50,
      });
      expect(config.services.users).to.deep.equal({ host: '0.0.0.0', port: 9000 });
      expect(config.services.listings).to.deep.equal({ host: '127.0.0.1', port: 9001 });
      expect(config.redis.queueUrl).to.equal('rediss://queue.internal:6379/1');
      expect(config.mongo.url).to.equal('mongodb+srv://cluster.example.net/spillway');
      expect(config.worker.groupCommitMaxWaitMs).to.equal(0);
      // The public API's upstream URLs follow the addresses; a wildcard bind is reached on loopback.
      expect(config.upstreams.usersBaseUrl).to.equal('http://127.0.0.1:9000');
      expect(config.upstreams.listingsBaseUrl).to.equal('http://127.0.0.1:9001');
    });

    it('reads the SMTP settings and comma-separated recipient lists of the customer e-mails', () => {
      const config = loadConfig({
        SMTP_HOST: 'smtp.internal',
        SMTP_PORT: '465',
        SMTP_SECURE: 'true',
        SMTP_USER: 'mailer',
        SMTP_PASS: 'secret',
        MAIL_FROM: 'noreply@example.com',
        MAIL_TO: 'a@example.com, b@example.com',
        MAIL_CC: 'c@example.com',
        MAIL_BCC: ' d@example.com ,',
        NOTIFY_ATTEMPTS: '5',
        NOTIFY_BACKOFF_MS: '20',
        NOTIFY_CONCURRENCY: '4',
      });
      expect(config.mail).to.deep.equal({
        host: 'smtp.internal',
        port: 465,
        secure: true,
        user: 'mailer',
        pass: 'secret',
        from: 'noreply@example.com',
        to: ['a@example.com', 'b@example.com'],
        cc: ['c@example.com'],
        bcc: ['d@example.com'],
        timeoutMs: 10_000,
      });
      expect(config.notify).to.deep.equal({ attempts: 5, backoffMs: 20, concurrency: 4 });
    });

    it('reads the order purge schedule, retention, batch size and legacy wait', () => {
      const config = loadConfig({
        ORDER_PURGE_CRON: '*/5 * * * * *',
        ORDER_RETENTION_HOURS: '24',
        ORDER_PURGE_BATCH_SIZE: '500',
        ORDER_LEGACY_WAIT_SECONDS: '0',
      });
      expect(config.orders).to.deep.equal({
        retentionHours: 24,
        purgeCron: '*/5 * * * * *',
        purgeBatchSize: 500,
        legacyWaitSeconds: 0,
      });
    });

    it('reads the idempotency, backpressure, rate limit and service token settings', () => {
      const config = loadConfig({
        IDEMPOTENCY_TTL_SECONDS: '60',
        IDEMPOTENCY_PENDING_TTL_SECONDS: '5',
        BACKPRESSURE_MAX_WAITING: '0',
        BACKPRESSURE_CHECK_INTERVAL_MS: '0',
        BACKPRESSURE_RETRY_AFTER_SECONDS: '2',
        RATE_LIMIT_PER_MINUTE: '10',
        PUBLIC_RATE_LIMIT_PER_MINUTE: '0',
        TRUST_PROXY: 'true',
        SERVICE_TOKEN: 'sixteen-chars-ok',
      });
      expect(config.idempotency).to.deep.equal({ ttlSeconds: 60, pendingTtlSeconds: 5 });
      expect(config.backpressure).to.deep.equal({
        maxWaiting: 0,
        checkIntervalMs: 0,
        retryAfterSeconds: 2,
      });
      expect(config.rateLimit).to.deep.equal({
        writesPerMinute: 10,
        publicPerMinute: 0,
        trustProxy: true,
      });
      expect(config.serviceToken).to.equal('sixteen-chars-ok');
    });

    it('reads a read-only Bull Board login beside the full one (issue 31)', () => {
      expect(loadConfig({ BOARD_VIEWER_PASSWORD: 'look-only' }).board).to.deep.equal({
        user: 'admin',
        password: 'spillway',
        viewer: { user: 'viewer', password: 'look-only' },
      });
      expect(
        configErrorFor({ BOARD_VIEWER_USER: 'admin', BOARD_VIEWER_PASSWORD: 'x' }).message,
      ).to.include('BOARD_VIEWER_USER: must differ from BOARD_USER');
    });

    it('reads the internet-facing listeners and their probe token (issue 31)', () => {
      const config = loadConfig({
        INTERNET_FACING_SERVICES: 'public,customers',
        PROBE_TOKEN: 'probe-token-0123456789',
      });
      expect(config.edge).to.deep.equal({
        services: ['public', 'customers'],
        probeToken: 'probe-token-0123456789',
        connectionsPerClient: 64,
      });
      expect(configErrorFor({ HTTP_SHORT_REQUEST_TIMEOUT_MS: '1000000' }).message).to.include(
        'HTTP_SHORT_REQUEST_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS (900000)',
      );
      expect(configErrorFor({ PROBE_TOKEN: 'short' }).message).to.include(
        'PROBE_TOKEN: expected at least 16 characters',
      );
      expect(configErrorFor({ INTERNET_FACING_SERVICES: 'public,board' }).message).to.include(
        'INTERNET_FACING_SERVICES: unknown "board"',
      );
    });

    it('has no crash hook: the idempotency chaos test reaches the API through a test seam, not a setting', () => {
      const once = { IDEMPOTENCY_TEST_DIE_BEFORE_ANSWER: 'true', NODE_ENV: 'test' };
      expect(loadConfig(once).idempotency).to.deep.equal({
        ttlSeconds: 86_400,
        pendingTtlSeconds: 120,
      });
    });

    it('reads the queues a worker process consumes, trimmed, from a comma-separated list', () => {
      const config = loadConfig({ WORKER_QUEUES: ' persist-listings, replicate ,' });
      expect(config.worker.queues).to.deep.equal(['persist-listings', 'replicate']);
    });

    it('takes any well-formed queue name: which queues exist is the worker process’s to check', () => {
      // A resource added to the registry needs no entry in config/ for its queue to be named here;
      // workers/worker-registry.ts refuses a name the process has no consumer for (its unit test).
      const config = loadConfig({ WORKER_QUEUES: 'persist-boats,persist-order_lines' });
      expect(config.worker.queues).to.deep.equal(['persist-boats', 'persist-order_lines']);
    });

    it('reads Redis Sentinel settings per role: the sentinels and the name they know the primary by', () => {
      const config = loadConfig({
        REDIS_QUEUE_SENTINELS: 'sentinel-a:26379, [::1]:26380',
        REDIS_QUEUE_SENTINEL_NAME: 'queue-primary',
        REDIS_CACHE_SENTINELS: 'sentinel-c:26379',
        REDIS_CACHE_SENTINEL_NAME: 'cache-primary',
        REDIS_CACHE_SENTINEL_PASSWORD: 'sentinel-secret',
      });
      expect(config.redis.queueSentinel).to.deep.equal({
        sentinels: [
          { host: 'sentinel-a', port: 26379 },
          { host: '::1', port: 26380 },
        ],
        name: 'queue-primary',
      });
      expect(config.redis.cacheSentinel).to.deep.equal({
        sentinels: [{ host: 'sentinel-c', port: 26379 }],
        name: 'cache-primary',
        password: 'sentinel-secret',
      });
      expect(loadConfig({}).redis).to.not.have.any.keys('queueSentinel', 'cacheSentinel');
    });

    it('accepts integers on the edges of their allowed range', () => {
      const config = loadConfig({
        MYSQL_POOL_SIZE: '1000',
        USER_SERVICE_PORT: '65535',
        SHUTDOWN_TIMEOUT_MS: '100',
      });
      expect(config.mysql.poolSize).to.equal(1000);
      expect(config.services.users.port).to.equal(65535);
      expect(config.shutdownTimeoutMs).to.equal(100);
    });
  });

  describe('with a bad value', () => {
    const cases: { env: Record<string, string>; problem: string }[] = [
      {
        env: { SMTP_SECURE: 'yes' },
        problem: 'SMTP_SECURE: expected one of true, false, got "yes"',
      },
      {
        env: { MAIL_TO: 'ops@example.com, not-an-address' },
        problem: 'MAIL_TO: not an e-mail address: "not-an-address"',
      },
      { env: { MAIL_FROM: 'spillway' }, problem: 'MAIL_FROM: not an e-mail address: "spillway"' },
      { env: { SMTP_USER: 'mailer' }, problem: 'SMTP_PASS: required when SMTP_USER is set' },
      { env: { NOTIFY_ATTEMPTS: '0' }, problem: 'NOTIFY_ATTEMPTS: expected 1..100, got 0' },
      {
        env: { MYSQL_POOL_SIZE: 'abc' },
        problem: 'MYSQL_POOL_SIZE: expected an integer, got "abc"',
      },
      {
        env: { MYSQL_POOL_SIZE: '1.5' },
        problem: 'MYSQL_POOL_SIZE: expected an integer, got "1.5"',
      },
      {
        env: { MYSQL_POOL_SIZE: '1e3' },
        problem: 'MYSQL_POOL_SIZE: expected an integer, got "1e3"',
      },
      { env: { MYSQL_POOL_SIZE: '0' }, problem: 'MYSQL_POOL_SIZE: expected 1..1000, got 0' },
      { env: { MYSQL_POOL_SIZE: '1001' }, problem: 'MYSQL_POOL_SIZE: expected 1..1000, got 1001' },
      {
        env: { USER_SERVICE_PORT: '70000' },
        problem: 'USER_SERVICE_PORT: expected 0..65535, got 70000',
      },
      {
        env: { LISTING_SERVICE_PORT: '-1' },
        problem: 'LISTING_SERVICE_PORT: expected 0..65535, got -1',
      },
      {
        env: { NODE_ENV: 'prod' },
        problem: 'NODE_ENV: expected one of development, test, production, got "prod"',
      },
      {
        env: { LOG_LEVEL: 'INFO' },
        problem:
          'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "INFO"',
      },
      {
        env: { MYSQL_URL: 'http://x' },
        problem: 'MYSQL_URL: expected a mysql: URL',
      },
      {
        env: { REDIS_CACHE_URL: 'not a url' },
        problem: 'REDIS_CACHE_URL: not a valid URL',
      },
      {
        env: { MONGO_URL: 'mysql://127.0.0.1/spillway' },
        problem: 'MONGO_URL: expected a mongodb: or mongodb+srv: URL',
      },
      {
        env: { ORDER_PURGE_CRON: 'every ten minutes' },
        problem:
          'ORDER_PURGE_CRON: expected a cron expression (5 fields, or 6 with seconds), got "every ten minutes"',
      },
      {
        env: { ORDER_RETENTION_HOURS: '0' },
        problem: 'ORDER_RETENTION_HOURS: expected 1..87600, got 0',
      },
      {
        env: { ORDER_PURGE_BATCH_SIZE: '40000' },
        problem: 'ORDER_PURGE_BATCH_SIZE: expected 1..30000, got 40000',
      },
      {
        env: { SERVICE_TOKEN: 'short' },
        problem: 'SERVICE_TOKEN: expected at least 16 characters',
      },
      {
        env: { BACKPRESSURE_MAX_WAITING: '-1' },
        problem: 'BACKPRESSURE_MAX_WAITING: expected 0..1000000000, got -1',
      },
      {
        env: { WORKER_INSTANCES: '0' },
        problem: 'WORKER_INSTANCES: expected 1..64, got 0',
      },
      {
        env: { WORKER_QUEUES: 'persist-users,persist listings,replicate:0,{notify}' },
        problem:
          'WORKER_QUEUES: expected a comma-separated list of queue names (letters, digits, - and _), got "persist listings", "replicate:0", "{notify}"',
      },
      {
        env: { WORKER_QUEUES: ' , ' },
        problem:
          'WORKER_QUEUES: expected a comma-separated list of queue names (letters, digits, - and _), got no item',
      },
      {
        env: { REDIS_QUEUE_SENTINELS: 'sentinel-a:26379,sentinel-b' },
        problem:
          'REDIS_QUEUE_SENTINELS: expected host:port entries ([address]:port for IPv6), got "sentinel-b"',
      },
      {
        env: { REDIS_CACHE_SENTINELS: 'sentinel-a:0,sentinel-b:0x63,2001:db8::5,s:1e3' },
        problem:
          'REDIS_CACHE_SENTINELS: expected host:port entries ([address]:port for IPv6), got "sentinel-a:0", "sentinel-b:0x63", "2001:db8::5", "s:1e3"',
      },
      {
        env: { REDIS_QUEUE_SENTINELS: 'sentinel-a:26379' },
        problem: 'REDIS_QUEUE_SENTINEL_NAME: required when REDIS_QUEUE_SENTINELS is set',
      },
      {
        env: { REDIS_CACHE_SENTINEL_NAME: 'cache-primary' },
        problem: 'REDIS_CACHE_SENTINEL_NAME/_PASSWORD: no effect without REDIS_CACHE_SENTINELS',
      },
      {
        env: { TRUST_PROXY: 'yes' },
        problem: 'TRUST_PROXY: expected one of true, false, got "yes"',
      },
    ];

    it('reads a Redis Cluster per role (§8): seed nodes, its own prefix, shards and a replica acknowledgement', () => {
      const config = loadConfig({
        REDIS_QUEUE_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7000',
        REDIS_CACHE_CLUSTER_NODES: '10.0.1.1:7100',
        QUEUE_SHARDS: '16',
      });
      expect(config.redis.queueCluster).to.deep.equal({
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: '10.0.0.2', port: 7000 },
        ],
      });
      expect(config.redis.cacheCluster).to.deep.equal({
        nodes: [{ host: '10.0.1.1', port: 7100 }],
      });
      // On a cluster the prefix is no hash tag, so each queue and key family has its own.
      expect(config.queue.prefix).to.equal('spillway');
      expect(config.queue.shards).to.equal(16);
      // A cluster fails over to a replica: a write waits for one to hold its job.
      expect(config.redis.replicaAck).to.deep.equal({ replicas: 1, timeoutMs: 2000 });
      expect(loadConfig({}).redis).to.not.have.any.keys('queueCluster', 'cacheCluster');
      expect(loadConfig({}).redis.replicaAck.replicas).to.equal(0);
      expect(
        loadConfig({ REDIS_QUEUE_SENTINELS: 's:26379', REDIS_QUEUE_SENTINEL_NAME: 'q' }).redis
          .replicaAck.replicas,
      ).to.equal(1);
    });

    it('refuses contradictory cluster settings by name', () => {
      expect(
        configErrorFor({
          REDIS_QUEUE_CLUSTER_NODES: 'a:7000',
          REDIS_QUEUE_SENTINELS: 's:26379',
          REDIS_QUEUE_SENTINEL_NAME: 'q',
        }).problems,
      ).to.deep.equal([
        'REDIS_QUEUE_CLUSTER_NODES: a Redis Cluster and REDIS_QUEUE_SENTINELS describe two different servers; set one of them',
      ]);
      expect(
        configErrorFor({
          REDIS_QUEUE_CLUSTER_NODES: 'a:7000',
          REDIS_CACHE_CLUSTER_NODES: 'b:7100,a:7000',
          REDIS_CACHE_URL: 'redis://x:6380/2',
          QUEUE_PREFIX: '{spillway}',
        }).problems,
      ).to.deep.equal([
        'REDIS_CACHE_URL: a Redis Cluster has only db 0, the URL names db 2',
        'REDIS_CACHE_CLUSTER_NODES: names a node of REDIS_QUEUE_CLUSTER_NODES; the queue and the cache need separate Redis servers',
        'QUEUE_PREFIX: braces make the prefix a hash tag that puts every key in one cluster slot; use a prefix without them with REDIS_QUEUE_CLUSTER_NODES',
      ]);
      expect(configErrorFor({ QUEUE_SHARDS: '0' }).problems[0]).to.match(/^QUEUE_SHARDS:/);
    });

    it('refuses the queue and the cache on one primary, and TLS through Sentinel', () => {
      const sentinels = { REDIS_QUEUE_SENTINELS: 's:26379', REDIS_CACHE_SENTINELS: 's:26379' };
      expect(
        configErrorFor({
          ...sentinels,
          REDIS_QUEUE_SENTINEL_NAME: 'one',
          REDIS_CACHE_SENTINEL_NAME: 'one',
        }).problems,
      ).to.deep.equal([
        'REDIS_CACHE_SENTINEL_NAME: names the same primary as REDIS_QUEUE_SENTINEL_NAME; the queue and the cache need separate Redis servers',
      ]);
      // The same name at other sentinels is another primary.
      expect(() =>
        loadConfig({
          ...sentinels,
          REDIS_CACHE_SENTINELS: 't:26379',
          REDIS_QUEUE_SENTINEL_NAME: 'one',
          REDIS_CACHE_SENTINEL_NAME: 'one',
        }),
      ).to.not.throw();
      expect(
        configErrorFor({
          REDIS_QUEUE_URL: 'rediss://redis.internal:6379/0',
          REDIS_QUEUE_SENTINELS: 's:26379',
          REDIS_QUEUE_SENTINEL_NAME: 'queue',
        }).problems,
      ).to.deep.equal([
        'REDIS_QUEUE_SENTINELS: TLS (a rediss: REDIS_QUEUE_URL) through Sentinel is not supported',
      ]);
    });

    for (const { env, problem } of cases) {
      const [name, value] = Object.entries(env)[0] ?? [];
      it(`throws a ConfigError naming ${name} when it is "${value}"`, () => {
        const error = configErrorFor(env);
        expect(error.name).to.equal('ConfigError');
        expect(error.problems).to.deep.equal([problem]);
        expect(error.message).to.equal(`invalid configuration:\n  ${problem}`);
      });
    }
  });

  describe('with several bad values', () => {
    it('reports every bad variable in one ConfigError, in reading order', () => {
      const error = configErrorFor({
        MYSQL_POOL_SIZE: 'abc',
        USER_SERVICE_PORT: '70000',
        NODE_ENV: 'prod',
        MYSQL_URL: 'http://x',
      });
      expect(error.problems).to.deep.equal([
        'NODE_ENV: expected one of development, test, production, got "prod"',
        'MYSQL_URL: expected a mysql: URL',
        'MYSQL_POOL_SIZE: expected an integer, got "abc"',
        'USER_SERVICE_PORT: expected 0..65535, got 70000',
      ]);
      for (const name of ['NODE_ENV', 'MYSQL_URL', 'MYSQL_POOL_SIZE', 'USER_SERVICE_PORT']) {
        expect(error.message).to.contain(name);
      }
    });
  });

  describe('the returned config', () => {
    it('is frozen at every level', () => {
      const config = loadConfig({});
      expect(Object.isFrozen(config)).to.equal(true);
      expect(Object.isFrozen(config.mysql)).to.equal(true);
      expect(Object.isFrozen(config.services)).to.equal(true);
      expect(Object.isFrozen(config.services.users)).to.equal(true);
      expect(Object.isFrozen(config.worker)).to.equal(true);
    });

    it('throws on an attempt to change a nested value and keeps the original', () => {
      const config = loadConfig({});
      expect(() => {
        (config.mysql as { poolSize: number }).poolSize = 1;
      }).to.throw(TypeError);
      expect(() => {
        (config.services.users as { port: number }).port = 1;
      }).to.throw(TypeError);
      expect(config.mysql.poolSize).to.equal(20);
      expect(config.services.users.port).to.equal(8000);
    });

    it('is a new object on every call, unaffected by a later call with other values', () => {
      const first = loadConfig({ MYSQL_POOL_SIZE: '5' });
      const second = loadConfig({ MYSQL_POOL_SIZE: '6' });
      expect(first.mysql.poolSize).to.equal(5);
      expect(second.mysql.poolSize).to.equal(6);
    });
  });
});

describe('loadConfig(env), rules across variables', () => {
  it('never echoes a URL value, since URLs carry passwords', () => {
    expect(() => loadConfig({ MYSQL_URL: 'mysql//u:secret@h' }))
      .to.throw(ConfigError)
      .that.satisfies((error: ConfigError) => !error.message.includes('secret'));
  });

  it('refuses two services on the same host and port', () => {
    expect(() => loadConfig({ USER_SERVICE_PORT: '6000' })).to.throw(
      ConfigError,
      'USER_SERVICE_PORT and LISTING_SERVICE_PORT: both are 6000',
    );
  });
});

describe('loadConfig(env), Bull Board credentials', () => {
  it('has a development password, but refuses to start in production without one', () => {
    expect(loadConfig({}).board.password).to.equal('spillway');
    expect(() => loadConfig({ NODE_ENV: 'production' })).to.throw(ConfigError, 'BOARD_PASSWORD');
    expect(loadConfig({ NODE_ENV: 'production', BOARD_PASSWORD: 's3cret' }).board).to.deep.equal({
      user: 'admin',
      password: 's3cret',
    });
  });
});
