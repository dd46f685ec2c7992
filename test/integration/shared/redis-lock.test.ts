import { expect } from 'chai';
import { Redis } from 'ioredis';
import { RedisLock } from '../../../shared/infra/locks/redis-lock.js';
import { lockKey } from '../../../shared/infra/redis/redis-keys.js';
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

  /** Waits until Redis itself has let the lock's key expire (observed, not slept past). */
  const expired = (key: string) =>
    eventually(async () => ((await redis.pttl(key)) === -2 ? true : undefined), {
      intervalMs: 10,
      what: `${key} to expire`,
    });

  it('frees itself after its TTL when the holder never releases it', async () => {
    const lockName = name();
    const held = await locks.tryAcquire(lockName, 100);
    const ttl = await redis.pttl(held!.key);
    expect(ttl).to.be.within(1, 100);
    await expired(held!.key);
    expect(await locks.tryAcquire(lockName, 100)).to.not.equal(null);
  });

  it("never frees someone else's lock: a late release after expiry leaves the new holder's lock", async () => {
    const lockName = name();
    const late = await locks.tryAcquire(lockName, 100);
    await expired(late!.key);
    const current = await locks.tryAcquire(lockName, 5_000);
    await late!.release();
    await late!.release({ holdMs: 1 });
    expect(await redis.get(current!.key)).to.equal(current!.token);
    expect(await redis.pttl(current!.key)).to.be.greaterThan(1_000);
    await current!.release();
  });

  it('release with holdMs keeps the lock that long, then frees it', async () => {
    // Long enough that no stall of this test outlasts it: the lock is still ours, for holdMs.
    const lockName = name();
    const kept = await locks.tryAcquire(lockName, 60_000);
    await kept!.release({ holdMs: 5_000 });
    expect(await locks.tryAcquire(lockName, 5_000)).to.equal(null);
    expect(await redis.get(kept!.key)).to.equal(kept!.token);
    expect(await redis.pttl(kept!.key)).to.be.within(1, 5_000);
    // A short hold, waited out on Redis's own expiry: after it, the next holder gets in.
    await kept!.release({ holdMs: 100 });
    expect(await redis.pttl(kept!.key)).to.be.at.most(100);
    await expired(kept!.key);
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
