import { expect } from 'chai';
import {
  redisClient,
  readyClient,
  type RedisClient,
} from '../../../shared/infra/redis/redis-client.js';
import { rateLimitKey } from '../../../shared/infra/redis/redis-keys.js';
import { SyncedRateLimiter } from '../../../shared/infra/rate-limit/synced-rate-limiter.js';
import { deleteOwnKeys, ownPrefix } from '../../support/own-keys.js';
import { testConfig } from '../../support/test-config.js';

const HOUR_MS = 3_600_000;

/** A cache Redis client as the API opens one (fail fast, auto-pipelined). */
function cacheClient(): RedisClient {
  const { cacheUrl, cacheCluster } = testConfig().redis;
  const client = redisClient(
    { url: cacheUrl, cluster: cacheCluster },
    { maxRetriesPerRequest: 1, enableOfflineQueue: false, enableAutoPipelining: true },
  );
  client.on('error', () => undefined);
  return client;
}

describe('SyncedRateLimiter: local buckets shared through the cache Redis', function () {
  this.timeout(10_000);
  // Two clients stand for two API processes.
  let first: RedisClient;
  let second: RedisClient;
  let prefix: string;
  const limiters: SyncedRateLimiter[] = [];
  /** 60 per hour: the refill (one a minute) stays out of the counts below. */
  const limiter = (redis: RedisClient, more: { onSyncFailure?: (e: unknown) => void } = {}) => {
    const made = new SyncedRateLimiter(redis, {
      prefix,
      scope: 'public',
      limit: 60,
      periodMs: HOUR_MS,
      ...more,
    });
    limiters.push(made);
    return made;
  };

  before(async () => {
    [first, second] = [cacheClient(), cacheClient()];
    await Promise.all([readyClient(first), readyClient(second)]);
  });
  beforeEach(() => {
    prefix = ownPrefix('rate');
  });
  afterEach(async () => {
    for (const made of limiters.splice(0)) made.close();
    await deleteOwnKeys(first, prefix);
  });
  after(() => Promise.all([first.quit(), second.quit()]));

  it('decides at once, without Redis, and writes nothing until it syncs', async () => {
    const a = limiter(first);
    expect(a.hit('203.0.113.1', 10)).to.include({ allowed: true, remaining: 50 });
    expect(await first.exists(rateLimitKey(prefix, 'public', '203.0.113.1'))).to.equal(0);
    await a.sync();
    const key = rateLimitKey(prefix, 'public', '203.0.113.1');
    expect(Number(await first.hget(key, 'tokens'))).to.be.within(49.9, 50.1);
    // The key lasts until the bucket would be full again (10 units at one a minute), no longer.
    expect(await first.pttl(key)).to.be.within(9 * 60_000, 11 * 60_000 + 1000);
  });

  it('shares one budget between processes: each sees what the other spent after a sync', async () => {
    const [a, b] = [limiter(first), limiter(second)];
    const client = '203.0.113.2';
    expect(a.hit(client, 40).allowed).to.equal(true);
    await a.sync();
    // b has not met the client yet: it lets it spend, then learns the shared count.
    expect(b.hit(client, 15).allowed).to.equal(true);
    await b.sync();
    expect(b.hit(client, 6).allowed).to.equal(false);
    expect(b.hit(client, 5)).to.include({ allowed: true, remaining: 0 });
    await b.sync();
    await a.sync();
    // a spent nothing since its sync, so it asks nothing: it learns b's spending when it next spends.
    expect(a.hit(client, 1).allowed).to.equal(true);
    await a.sync();
    expect(a.hit(client, 1)).to.include({ allowed: false, remaining: 0 });
    expect(b.hit('203.0.113.3', 60).allowed, 'another client has its own budget').to.equal(true);
  });

  it('syncs in the background while clients spend, with no call from the caller', async () => {
    const a = new SyncedRateLimiter(first, {
      prefix,
      scope: 'public',
      limit: 60,
      periodMs: HOUR_MS,
      syncIntervalMs: 20,
    });
    limiters.push(a);
    const b = limiter(second);
    a.hit('203.0.113.4', 30);
    const key = rateLimitKey(prefix, 'public', '203.0.113.4');
    const deadline = Date.now() + 2_000;
    while (!(await first.exists(key)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    b.hit('203.0.113.4', 1);
    await b.sync();
    expect(b.hit('203.0.113.4', 30).allowed).to.equal(false);
    expect(b.hit('203.0.113.4', 29).allowed).to.equal(true);
  });

  it('while the cache Redis is unreachable: answers at once from its own buckets, reports the outage once', async () => {
    const down = redisClient(
      { url: 'redis://127.0.0.1:1/0' },
      { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true },
    );
    down.on('error', () => undefined);
    const failures: unknown[] = [];
    const a = limiter(down, { onSyncFailure: (error) => failures.push(error) });
    try {
      const started = performance.now();
      expect(a.hit('203.0.113.5', 59).allowed).to.equal(true);
      await a.sync();
      expect(a.hit('203.0.113.5', 1).allowed).to.equal(true);
      await a.sync();
      expect(a.hit('203.0.113.5', 1).allowed, 'the process’s own count still holds').to.equal(
        false,
      );
      expect(performance.now() - started).to.be.below(100);
      expect(failures).to.have.length(1);
    } finally {
      down.disconnect();
    }
  });
});
