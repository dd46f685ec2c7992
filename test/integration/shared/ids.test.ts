import { once } from 'node:events';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { IdAllocator } from '../../../shared/ids.js';
import { idCounterKey } from '../../../shared/redis-keys.js';
import { deleteOwnKeys, ownPrefix } from '../../support/own-keys.js';
import { testConfig } from '../../support/test-config.js';

describe('IdAllocator on the queue Redis', () => {
  let redis: Redis;
  let ids: IdAllocator;
  let prefix: string;

  before(() => {
    redis = new Redis(testConfig().redis.queueUrl);
  });
  beforeEach(() => {
    prefix = ownPrefix('test');
    ids = new IdAllocator(redis, prefix);
  });
  afterEach(() => deleteOwnKeys(redis, prefix));
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

  describe('keepAbove: a counter that lost its last writes (a crash, a Sentinel failover)', () => {
    let client: Redis;
    beforeEach(async () => {
      client = new Redis(testConfig().redis.queueUrl);
      await once(client, 'ready');
    });
    afterEach(() => client.disconnect());

    /** Drops the allocator's connection the way a failover does; resolves once it is back. */
    async function reconnect(): Promise<void> {
      const back = once(client, 'ready');
      await redis.client('KILL', 'ID', String(await client.client('ID')));
      await back;
    }

    it('raises the counter past the stored ids again after the client reconnects', async () => {
      const ids = new IdAllocator(client, prefix);
      let storedMaxId = 41;
      await ids.keepAbove('users', async () => storedMaxId);
      expect(await ids.next('users')).to.equal(42);
      // Rows up to 100 were stored, then Redis lost the counter.
      storedMaxId = 100;
      await redis.del(idCounterKey(prefix, 'users'));
      await reconnect();
      expect(await ids.nextBlock('users', 3)).to.equal(101);
      expect(await ids.next('users')).to.equal(104);
    });

    it('still hands out ids when the stored ids cannot be read, and says so', async () => {
      const failures: string[] = [];
      const ids = new IdAllocator(client, prefix, {
        onRaiseFailed: (entity) => failures.push(entity),
      });
      let mysqlDown = false;
      await ids.keepAbove('listings', async () => {
        if (mysqlDown) throw new Error('MySQL is down');
        return 7;
      });
      mysqlDown = true;
      await reconnect();
      expect(await ids.next('listings')).to.equal(8);
      expect(failures).to.deep.equal(['listings']);
      // Tried again on the next id, once MySQL answers.
      mysqlDown = false;
      await redis.set(idCounterKey(prefix, 'listings'), '0');
      expect(await ids.next('listings')).to.equal(8);
    });
  });
});
