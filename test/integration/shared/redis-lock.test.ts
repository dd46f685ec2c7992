import { expect } from 'chai';
import { Redis } from 'ioredis';
import { RedisLock } from '../../../shared/locks/redis-lock.js';
import { lockKey } from '../../../shared/redis-keys.js';
import { eventually } from '../../support/eventually.js';
import { testConfig } from '../../support/test-config.js';

describe('RedisLock (SET NX PX with a token)', () => {
  const config = testConfig();
  let redis: Redis;
  let locks: RedisLock;
  const name = () => `test-${Math.random().toString(36).slice(2)}`;

  before(() => {
    redis = new Redis(config.redis.queueUrl);
    locks = new RedisLock(redis, config.queue.prefix);
  });
  after(() => redis.quit());

  it('lets one holder in at a time, and the next one in after release', async () => {
    const lockName = name();
    const first = await locks.tryAcquire(lockName, 5_000);
    expect(first).to.not.equal(null);
    expect(await locks.tryAcquire(lockName, 5_000)).to.equal(null);
    await first!.release();
    const second = await locks.tryAcquire(lockName, 5_000);
    expect(second).to.not.equal(null);
    await second!.release();
  });

  it('frees itself after its TTL when the holder never releases it', async () => {
    const lockName = name();
    await locks.tryAcquire(lockName, 100);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await locks.tryAcquire(lockName, 100)).to.not.equal(null);
  });

  it("never frees someone else's lock: a late release after expiry leaves the new holder's lock", async () => {
    const lockName = name();
    const late = await locks.tryAcquire(lockName, 100);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const current = await locks.tryAcquire(lockName, 5_000);
    await late!.release();
    await late!.release({ holdMs: 1 });
    expect(await redis.get(current!.key)).to.equal(current!.token);
    expect(await redis.pttl(current!.key)).to.be.greaterThan(1_000);
    await current!.release();
  });

  it('release with holdMs keeps the lock that long, then frees it', async () => {
    const lockName = name();
    const held = await locks.tryAcquire(lockName, 5_000);
    await held!.release({ holdMs: 200 });
    expect(await locks.tryAcquire(lockName, 5_000)).to.equal(null);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await locks.tryAcquire(lockName, 5_000)).to.not.equal(null);
  });

  it('whileHeld renews the lock past its TTL while the task runs, keeps others out, then frees it', async () => {
    const lockName = name();
    let othersRan = false;
    const ran = await locks.whileHeld(lockName, 150, async (lease) => {
      // Observed, not slept: the key's TTL goes back up twice, so it outlived its 150 ms twice over.
      const key = lockKey(config.queue.prefix, lockName);
      let renewals = 0;
      let last = await redis.pttl(key);
      await eventually(
        async () => {
          const ttl = await redis.pttl(key);
          if (ttl > last) renewals += 1;
          last = ttl;
          return renewals >= 2 ? true : undefined;
        },
        { timeoutMs: 5_000, intervalMs: 10, what: 'the lock to be renewed twice' },
      );
      expect(lease.held()).to.equal(true);
      othersRan = await locks.whileHeld(lockName, 150, async () => undefined);
    });
    expect([ran, othersRan]).to.deep.equal([true, false]);
    expect(await locks.whileHeld(lockName, 150, async () => undefined)).to.equal(true);
  });

  it('whileHeld tells the task once its lock is no longer its own', async () => {
    const lockName = name();
    await locks.whileHeld(lockName, 150, async (lease) => {
      await redis.set(lockKey(config.queue.prefix, lockName), 'someone else');
      await eventually(async () => (lease.held() ? undefined : true), {
        timeoutMs: 5_000,
        intervalMs: 10,
        what: 'the lease to see it lost the lock',
      });
      expect(lease.held()).to.equal(false);
    });
    expect(await redis.get(lockKey(config.queue.prefix, lockName))).to.equal('someone else');
    await redis.del(lockKey(config.queue.prefix, lockName));
  });
});
