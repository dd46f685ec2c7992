import { once } from 'node:events';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { ReadThroughCache } from '../../../shared/cache/read-through-cache.js';
import { testConfig } from '../../support/test-config.js';

/** A loader that answers `value` only once released: a load still running while a write lands. */
function heldLoad(value: string): { load: () => Promise<string>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    load: async () => {
      await gate;
      return value;
    },
    release,
  };
}

/** Waits (≤ 2 s) until MONITOR has shown `count` lookups: it reports commands asynchronously. */
async function untilMonitored(lookups: unknown[], count: number): Promise<void> {
  const until = Date.now() + 2000;
  while (lookups.length < count && Date.now() < until)
    await new Promise((resolve) => setTimeout(resolve, 10));
  // Give a lookup beyond `count` the same chance to show up before the caller counts.
  await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('ReadThroughCache on the cache Redis', () => {
  let redis: Redis;
  let cache: ReadThroughCache;

  before(() => {
    redis = new Redis(testConfig().redis.cacheUrl);
  });
  beforeEach(async () => {
    await redis.flushdb();
    cache = new ReadThroughCache(redis, { prefix: 'test', ttlSeconds: 60 });
  });
  after(() => redis.quit());

  it('loads on a miss and answers the next read from Redis', async () => {
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await cache.read('users', ['id', 1], load)).to.deep.equal({
      value: { n: 1 },
      hit: false,
    });
    expect(await cache.read('users', ['id', 1], load)).to.deep.equal({
      value: { n: 1 },
      hit: true,
    });
    expect(loads).to.equal(1);
  });

  it('caches "not found" too, until the collection changes', async () => {
    let loads = 0;
    const load = async () => {
      loads += 1;
      return null;
    };
    await cache.read('users', ['id', 2], load);
    expect(await cache.read('users', ['id', 2], load)).to.deep.equal({ value: null, hit: true });
    await cache.invalidate('users');
    expect((await cache.read('users', ['id', 2], load)).hit).to.equal(false);
    expect(loads).to.equal(2);
  });

  it('loads once for many concurrent misses of one key', async () => {
    let loads = 0;
    const load = async () => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return 'value';
    };
    const reads = await Promise.all(
      Array.from({ length: 25 }, () => cache.read('users', ['page', 1], load)),
    );
    expect(loads).to.equal(1);
    expect(reads.every((r) => r.value === 'value')).to.equal(true);
  });

  it('answers the reads of one key made in one event-loop turn from one Redis lookup', async () => {
    const monitor = await redis.monitor();
    const lookups: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      // Only this test's keys: other clients of the server must not shift the count.
      if (args[0]?.toLowerCase() === 'mget' && args[1]?.startsWith('shared:')) lookups.push(args);
    });
    try {
      const shared = new ReadThroughCache(redis, { prefix: 'shared', ttlSeconds: 60 });
      await shared.read('users', ['page', 1], async () => 'cached');
      const reads = await Promise.all(
        Array.from({ length: 50 }, () => shared.read('users', ['page', 1], async () => 'loaded')),
      );
      expect(reads.every((r) => r.value === 'cached' && r.hit)).to.equal(true);
      // A lookup after the shared one was answered goes to Redis again.
      await shared.read('users', ['page', 1], async () => 'loaded');
      await untilMonitored(lookups, 3);
      expect(lookups).to.have.length(3);
    } finally {
      monitor.disconnect();
    }
  });

  it('does not keep a failed lookup: the next read asks Redis again', async () => {
    const offline = new Redis(testConfig().redis.cacheUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
    });
    try {
      const failing = new ReadThroughCache(offline, { prefix: 'test', ttlSeconds: 60 });
      const reads = await Promise.allSettled(
        Array.from({ length: 3 }, () => failing.read('users', ['id', 6], async () => 'loaded')),
      );
      expect(reads.map((r) => r.status)).to.deep.equal(['rejected', 'rejected', 'rejected']);
      // The first command set the lazy connection connecting; wait until it is up.
      if (offline.status !== 'ready') await once(offline, 'ready');
      expect(await failing.read('users', ['id', 6], async () => 'loaded')).to.deep.equal({
        value: 'loaded',
        hit: false,
      });
    } finally {
      offline.disconnect();
    }
  });

  it('with enabled: false loads on every read and stores nothing in Redis', async () => {
    const off = new ReadThroughCache(redis, { prefix: 'test', ttlSeconds: 60, enabled: false });
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await off.read('users', ['id', 3], load)).to.deep.equal({ value: { n: 1 }, hit: false });
    expect(await off.read('users', ['id', 3], load)).to.deep.equal({ value: { n: 2 }, hit: false });
    expect(await redis.dbsize()).to.equal(0);
  });

  it('invalidates one collection only', async () => {
    await cache.read('users', ['page', 1], async () => 'u');
    await cache.read('listings', ['page', 1], async () => 'l');
    await cache.invalidate('users');
    expect((await cache.read('users', ['page', 1], async () => 'u2')).hit).to.equal(false);
    expect((await cache.read('listings', ['page', 1], async () => 'l2')).hit).to.equal(true);
  });

  it('never serves a value loaded before a write that committed during the load', async () => {
    const stale = heldLoad('stale');
    const slowStale = cache.read('users', ['page', 1], stale.load);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await cache.invalidate('users');
    stale.release();
    expect((await slowStale).value).to.equal('stale');
    const next = await cache.read('users', ['page', 1], async () => 'fresh');
    expect(next).to.deep.equal({ value: 'fresh', hit: false });
  });

  it('never answers an older value that a slow load stored over a newer entry', async () => {
    const old = heldLoad('old');
    const slowOld = cache.read('users', ['page', 2], old.load);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await cache.invalidate('users');
    expect(await cache.read('users', ['page', 2], async () => 'new')).to.deep.equal({
      value: 'new',
      hit: false,
    });
    old.release();
    await slowOld;
    const next = await cache.read('users', ['page', 2], async () => 'newer');
    expect(next.value).to.not.equal('old');
  });

  it('readJson answers the value as JSON text, from the same entry as read', async () => {
    let loads = 0;
    const load = async () => ({ n: ++loads, s: 'é"' });
    expect(await cache.readJson('users', ['id', 4], load)).to.deep.equal({
      value: '{"n":1,"s":"é\\""}',
      hit: false,
    });
    expect(await cache.readJson('users', ['id', 4], load)).to.deep.equal({
      value: '{"n":1,"s":"é\\""}',
      hit: true,
    });
    expect(await cache.read('users', ['id', 4], load)).to.deep.equal({
      value: { n: 1, s: 'é"' },
      hit: true,
    });
    expect(loads).to.equal(1);
  });

  it('readJson answers "not found" as null, and loads once for concurrent misses', async () => {
    let loads = 0;
    const load = async () => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return undefined;
    };
    const reads = await Promise.all(
      Array.from({ length: 10 }, () => cache.readJson('users', ['id', 5], load)),
    );
    expect(loads).to.equal(1);
    expect(reads.every((r) => r.value === 'null' && !r.hit)).to.equal(true);
    expect(await cache.readJson('users', ['id', 5], load)).to.deep.equal({
      value: 'null',
      hit: true,
    });
  });

  it('readJson with enabled: false serializes every load and stores nothing', async () => {
    const off = new ReadThroughCache(redis, { prefix: 'test', ttlSeconds: 60, enabled: false });
    let loads = 0;
    const load = async () => [++loads];
    expect(await off.readJson('users', ['page', 1], load)).to.deep.equal({
      value: '[1]',
      hit: false,
    });
    expect(await off.readJson('users', ['page', 1], load)).to.deep.equal({
      value: '[2]',
      hit: false,
    });
    expect(await redis.dbsize()).to.equal(0);
  });

  it('expires entries after the configured TTL', async () => {
    await cache.read('users', ['id', 3], async () => 'x');
    const keys = await redis.keys('test:cache:{users}:e:*');
    expect(keys).to.have.length(1);
    const ttl = await redis.ttl(keys[0]!);
    expect(ttl).to.be.within(1, 60);
  });
});
