import { expect } from 'chai';
import { Redis } from 'ioredis';
import { IdAllocator } from '../../../shared/ids.js';
import { testConfig } from '../../support/test-config.js';

describe('IdAllocator on the queue Redis', () => {
  let redis: Redis;
  let ids: IdAllocator;

  before(() => {
    redis = new Redis(testConfig().redis.queueUrl);
  });
  beforeEach(async () => {
    await redis.flushdb();
    ids = new IdAllocator(redis, 'test');
  });
  after(() => redis.quit());

  it('hands out unique, increasing ids under concurrency', async () => {
    const all = await Promise.all(Array.from({ length: 500 }, () => ids.next('users')));
    expect(new Set(all).size).to.equal(500);
    expect(Math.max(...all)).to.equal(500);
  });

  it('reserves blocks of consecutive ids that never overlap single ids or other blocks', async () => {
    const [a, single, b] = [
      await ids.nextBlock('users', 3),
      await ids.next('users'),
      await ids.nextBlock('users', 2),
    ];
    expect(a).to.equal(1);
    expect(single).to.equal(4);
    expect(b).to.equal(5);
    expect(await ids.next('users')).to.equal(7);
  });

  it('keeps separate sequences per entity', async () => {
    expect(await ids.next('users')).to.equal(1);
    expect(await ids.next('listings')).to.equal(1);
  });

  it('raises a counter past the ids already stored, and never lowers it', async () => {
    await ids.ensureAbove('users', 41);
    expect(await ids.next('users')).to.equal(42);
    await ids.ensureAbove('users', 5);
    expect(await ids.next('users')).to.equal(43);
  });
});
