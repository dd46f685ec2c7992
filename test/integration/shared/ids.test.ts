import { once } from 'node:events';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { ConflictError } from '../../../shared/domain/errors/index.js';
import { ID_CLAIM_TTL_SECONDS, IdAllocator } from '../../../shared/domain/ids/id-allocator.js';
import { idClaimKeyStem, idCounterKey } from '../../../shared/infra/redis/redis-keys.js';
import { deleteOwnKeys, ownKeys, ownPrefix } from '../../support/own-keys.js';
import { testConfig } from '../../support/test-config.js';

describe('IdAllocator on the queue Redis', () => {
  let redis: Redis;
  let ids: IdAllocator;
  let prefix: string;

  before(() => {
    redis = new Redis(testConfig().redis.queueUrl);
    // Each test's allocator adds a 'ready' listener to this one client.
    redis.setMaxListeners(50);
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

  describe('id claims (people: ids come from the counter and from CSV imports)', () => {
    const claimStem = () => idClaimKeyStem(prefix, 'people');

    it('claims the ids it is given and raises the counter past them, in one step', async () => {
      expect([...(await ids.claim('people', [7, 3, 5]))]).to.deep.equal([7, 3, 5]);
      expect(await ids.next('people')).to.equal(8);
      const ttl = await redis.ttl(`${claimStem()}3`);
      expect(ttl).to.be.within(1, ID_CLAIM_TTL_SECONDS);
    });

    it('of two claims of one id, the first wins and the second learns it lost', async () => {
      const [first, second] = await Promise.all([
        ids.claim('people', [10, 11]),
        ids.claim('people', [11, 12]),
      ]);
      const winners = [...first, ...second].sort((a, b) => a - b);
      expect(winners, 'each id claimed exactly once').to.deep.equal([10, 11, 12]);
      expect(await ids.claim('people', [10, 11, 12, 13])).to.deep.equal(new Set([13]));
    });

    it('a draw claims the ids it hands out, so an import of one of them loses it', async () => {
      const first = await ids.nextBlock('people', 3);
      expect(first).to.equal(1);
      expect(await ids.claim('people', [2, 3, 4])).to.deep.equal(new Set([4]));
    });

    it('users and listings ids are never claimed: nothing imports them', async () => {
      await ids.nextBlock('users', 2);
      expect(await ownKeys(redis, prefix)).to.deep.equal([idCounterKey(prefix, 'users')]);
    });

    it('release frees claimed ids; a release of nothing is harmless', async () => {
      await ids.claim('people', [20, 21]);
      await ids.release('people', [20]);
      await ids.release('people', []);
      expect(await ids.claim('people', [20, 21])).to.deep.equal(new Set([20]));
    });

    it('keeps ids up to 2^53 exact, in claim keys and in the counter', async () => {
      const big = Number.MAX_SAFE_INTEGER - 10;
      expect(await ids.claim('people', [big])).to.deep.equal(new Set([big]));
      expect(await redis.exists(`${claimStem()}${big}`)).to.equal(1);
      expect(await ids.nextBlock('people', 2)).to.equal(big + 1);
      expect(await redis.exists(`${claimStem()}${big + 2}`)).to.equal(1);
    });

    it('refuses a draw over an id an import holds (a counter that went back) and keeps none of it', async () => {
      await ids.claim('people', [5]);
      await redis.set(idCounterKey(prefix, 'people'), '2');
      let refused: unknown;
      await ids.nextBlock('people', 4).catch((error: unknown) => (refused = error));
      expect(refused).to.be.instanceOf(ConflictError);
      expect((refused as ConflictError).status).to.equal(409);
      const claims = (await ownKeys(redis, prefix)).filter((key) => key.startsWith(claimStem()));
      expect(claims).to.deep.equal([`${claimStem()}5`]);
      // The counter moved past the refused block: the next draw is clear of the claim.
      expect(await ids.nextBlock('people', 1)).to.equal(7);
    });
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
