import { once } from 'node:events';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { ReadThroughCache } from '../../../shared/infra/cache/read-through-cache.js';
import { eventually } from '../../support/eventually.js';
import { deleteOwnKeys, ownKeys, ownPrefix } from '../../support/own-keys.js';
import { testConfig } from '../../support/test-config.js';

/**
 * A loader that answers `value` only once released: a load still running while
 * a write lands. `started` resolves once the cache has called it, so a test
 * waits for that instead of sleeping.
 */
function heldLoad<T>(value: T): {
  load: () => Promise<T>;
  release: () => void;
  started: Promise<void>;
  calls: () => number;
} {
  let release!: () => void;
  let markStarted!: () => void;
  let calls = 0;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  return {
    load: async () => {
      calls += 1;
      markStarted();
      await gate;
      return value;
    },
    release,
    started,
    calls: () => calls,
  };
}

describe('ReadThroughCache on the cache Redis', () => {
  let redis: Redis;
  let cache: ReadThroughCache;
  let prefix: string;

  before(() => {
    redis = new Redis(testConfig().redis.cacheUrl);
  });
  beforeEach(() => {
    // Keys of this test's own: nothing is flushed, and "stores nothing" counts only these.
    prefix = ownPrefix('test');
    cache = new ReadThroughCache(redis, { prefix, ttlSeconds: 60 });
  });
  afterEach(() => deleteOwnKeys(redis, prefix));
  after(() => redis.quit());

  it('loads on a miss and answers the next read from Redis', async () => {
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await cache.read('users', ['id', 1], load)).to.deep.include({
      value: { n: 1 },
      hit: false,
    });
    expect(await cache.read('users', ['id', 1], load)).to.deep.include({
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
    expect(await cache.read('users', ['id', 2], load)).to.deep.include({ value: null, hit: true });
    await cache.invalidate('users');
    expect((await cache.read('users', ['id', 2], load)).hit).to.equal(false);
    expect(loads).to.equal(2);
  });

  it('loads once for many concurrent misses of one key', async () => {
    const held = heldLoad('value');
    const reading = Promise.all(
      Array.from({ length: 25 }, () => cache.read('users', ['page', 1], held.load)),
    );
    // The reads share one lookup; its misses all run before the load it started can answer.
    await held.started;
    held.release();
    const reads = await reading;
    expect(held.calls()).to.equal(1);
    expect(reads.every((r) => r.value === 'value')).to.equal(true);
  });

  it('answers the reads of one key made in one event-loop turn from one Redis lookup', async () => {
    const monitor = await redis.monitor();
    const lookups: string[][] = [];
    let markerSeen = false;
    monitor.on('monitor', (_time: string, args: string[]) => {
      // Only this test's keys: other clients of the server must not shift the count.
      if (args[0]?.toLowerCase() === 'mget' && args[1]?.startsWith(`${prefix}:`))
        lookups.push(args);
      if (args[0]?.toLowerCase() === 'echo' && args[1] === prefix) markerSeen = true;
    });
    try {
      const shared = new ReadThroughCache(redis, { prefix, ttlSeconds: 60 });
      await shared.read('users', ['page', 1], async () => 'cached');
      const reads = await Promise.all(
        Array.from({ length: 50 }, () => shared.read('users', ['page', 1], async () => 'loaded')),
      );
      expect(reads.every((r) => r.value === 'cached' && r.hit)).to.equal(true);
      // A lookup after the shared one was answered goes to Redis again.
      await shared.read('users', ['page', 1], async () => 'loaded');
      // MONITOR shows commands in the order Redis ran them: once it shows a marker sent after
      // the reads, it has shown every lookup they made. No window for a late one to show up.
      await redis.echo(prefix);
      await eventually(async () => (markerSeen ? true : undefined), {
        what: 'MONITOR to show the marker',
      });
      expect(lookups).to.have.length(3);
    } finally {
      monitor.disconnect();
    }
  });

  it('reads past a cache Redis that does not answer (BYPASS, one load per key), and uses it again once it does', async () => {
    const offline = new Redis(testConfig().redis.cacheUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
    });
    offline.on('error', () => undefined);
    try {
      const failing = new ReadThroughCache(offline, { prefix, ttlSeconds: 60 });
      let loads = 0;
      const load = async () => {
        loads += 1;
        return 'loaded';
      };
      const reads = await Promise.all(
        Array.from({ length: 3 }, () => failing.read('users', ['id', 6], load)),
      );
      expect(reads).to.deep.equal(Array(3).fill({ value: 'loaded', hit: 'bypass' }));
      expect(loads, 'concurrent bypassed reads of one key share a load').to.equal(1);
      // The first command set the lazy connection connecting; wait until it is up.
      if (offline.status !== 'ready') await once(offline, 'ready');
      expect(await failing.read('users', ['id', 6], load)).to.deep.include({
        value: 'loaded',
        hit: false,
      });
      expect(await failing.read('users', ['id', 6], load)).to.deep.include({ hit: true });
    } finally {
      offline.disconnect();
    }
  });

  it('with enabled: false loads on every read and stores nothing in Redis', async () => {
    const off = new ReadThroughCache(redis, { prefix, ttlSeconds: 60, enabled: false });
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await off.read('users', ['id', 3], load)).to.deep.include({
      value: { n: 1 },
      hit: false,
    });
    expect(await off.read('users', ['id', 3], load)).to.deep.include({
      value: { n: 2 },
      hit: false,
    });
    expect(await ownKeys(redis, prefix)).to.deep.equal([]);
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
    await stale.started;
    await cache.invalidate('users');
    stale.release();
    expect((await slowStale).value).to.equal('stale');
    const next = await cache.read('users', ['page', 1], async () => 'fresh');
    expect(next).to.deep.include({ value: 'fresh', hit: false });
  });

  it('never answers an older value that a slow load stored over a newer entry', async () => {
    const old = heldLoad('old');
    const slowOld = cache.read('users', ['page', 2], old.load);
    await old.started;
    await cache.invalidate('users');
    expect(await cache.read('users', ['page', 2], async () => 'new')).to.deep.include({
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
    expect(await cache.readJson('users', ['id', 4], load)).to.deep.include({
      value: '{"n":1,"s":"é\\""}',
      hit: false,
    });
    expect(await cache.readJson('users', ['id', 4], load)).to.deep.include({
      value: '{"n":1,"s":"é\\""}',
      hit: true,
    });
    expect(await cache.read('users', ['id', 4], load)).to.deep.include({
      value: { n: 1, s: 'é"' },
      hit: true,
    });
    expect(loads).to.equal(1);
  });

  it('readJson answers "not found" as null, and loads once for concurrent misses', async () => {
    const held = heldLoad(undefined);
    const reading = Promise.all(
      Array.from({ length: 10 }, () => cache.readJson('users', ['id', 5], held.load)),
    );
    await held.started;
    held.release();
    const reads = await reading;
    expect(held.calls()).to.equal(1);
    expect(reads.every((r) => r.value === 'null' && !r.hit)).to.equal(true);
    expect(await cache.readJson('users', ['id', 5], held.load)).to.deep.include({
      value: 'null',
      hit: true,
    });
  });

  it('readJson with enabled: false serializes every load and stores nothing', async () => {
    const off = new ReadThroughCache(redis, { prefix, ttlSeconds: 60, enabled: false });
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
    expect(await ownKeys(redis, prefix)).to.deep.equal([]);
  });

  it('expires entries after the configured TTL', async () => {
    await cache.read('users', ['id', 3], async () => 'x');
    const keys = await redis.keys(`${prefix}:cache:{users}:e:*`);
    expect(keys).to.have.length(1);
    const ttl = await redis.ttl(keys[0]!);
    expect(ttl).to.be.within(1, 60);
  });
});
