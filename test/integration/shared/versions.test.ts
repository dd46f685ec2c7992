import { expect } from 'chai';
import { Redis } from 'ioredis';
import { VersionAllocator } from '../../../shared/versions.js';
import { testConfig } from '../../support/test-config.js';

describe('VersionAllocator (per-document versions in the queue Redis)', () => {
  const config = testConfig();
  let redis: Redis;
  let versions: VersionAllocator;
  const id = () => `doc-${Math.random().toString(36).slice(2)}`;

  before(() => {
    redis = new Redis(config.redis.queueUrl);
    versions = new VersionAllocator(redis, { prefix: config.queue.prefix, ttlMs: 60_000 });
  });
  after(() => redis.quit());

  it('hands out versions above the stored one, increasing with every call', async () => {
    const doc = id();
    expect(await versions.next('orders', doc, 1)).to.equal(2);
    expect(await versions.next('orders', doc, 1)).to.equal(3);
  });

  it('gives concurrent writers distinct versions', async () => {
    const doc = id();
    const handed = await Promise.all(
      Array.from({ length: 20 }, () => versions.next('orders', doc, 1)),
    );
    expect(new Set(handed).size).to.equal(20);
    expect(Math.min(...handed)).to.equal(2);
  });

  it('never hands out a version the store already has, even after the counter was lost', async () => {
    const doc = id();
    await versions.next('orders', doc, 1);
    await redis.del(`${config.queue.prefix}:versions:orders:${doc}`);
    expect(await versions.next('orders', doc, 7)).to.equal(8);
  });

  it('lets the counter expire', async () => {
    const doc = id();
    await versions.next('orders', doc, 1);
    const ttl = await redis.pttl(`${config.queue.prefix}:versions:orders:${doc}`);
    expect(ttl).to.be.within(1, 60_000);
  });
});
