import { expect } from 'chai';
import { pino } from 'pino';
import { purgeOrders, type OrderPurgeDeps } from '../../../cron/purge-orders.js';
import type { HeldLock, RedisLock } from '../../../shared/infra/locks/redis-lock.js';

/** A lock that is always free, and records what the purge did with it. */
function fakeLock(extendAnswers: boolean[] = []) {
  const calls: string[] = [];
  const held: HeldLock = {
    key: 'k',
    token: 't',
    renew: (ttlMs) => {
      calls.push(`extend ${ttlMs}`);
      return Promise.resolve(extendAnswers.shift() ?? true);
    },
    release: () => {
      calls.push('release');
      return Promise.resolve();
    },
  };
  const lock = { tryAcquire: () => Promise.resolve(held) } as Pick<RedisLock, 'tryAcquire'>;
  return { lock: lock as RedisLock, calls };
}

/** A repository whose expired orders come in the given batch counts. */
function fakeOrders(batches: number[], calls: string[]): OrderPurgeDeps['orders'] {
  return {
    async *deleteCreatedBeforeInBatches(_cutoff, batchSize) {
      for (const count of batches) {
        calls.push(`delete ≤${batchSize}: ${count}`);
        await Promise.resolve();
        yield count;
      }
    },
  };
}

describe('purgeOrders batch loop', () => {
  function depsWith(batches: number[], extendAnswers?: boolean[]) {
    const { lock, calls } = fakeLock(extendAnswers);
    const purged: number[] = [];
    const deps: OrderPurgeDeps = {
      orders: fakeOrders(batches, calls),
      cache: {
        invalidate: (collection) => {
          calls.push(`invalidate ${collection}`);
          return Promise.resolve();
        },
      },
      lock,
      logger: pino({ level: 'silent' }),
      retentionHours: 72,
      batchSize: 3,
      onPurged: (removed) => purged.push(removed),
    };
    return { deps, calls, purged };
  }

  it('after each batch invalidates the cache, counts it and renews the lock, then releases', async () => {
    const { deps, calls, purged } = depsWith([3, 3, 1]);
    expect(await purgeOrders(deps)).to.include({ ran: true, removed: 7 });
    expect(purged).to.deep.equal([3, 3, 1]);
    const batch = (count: number) => [`delete ≤3: ${count}`, 'invalidate orders', 'extend 300000'];
    expect(calls).to.deep.equal([...batch(3), ...batch(3), ...batch(1), 'release']);
  });

  it('removes nothing and invalidates nothing when no order is expired', async () => {
    const { deps, calls } = depsWith([]);
    expect(await purgeOrders(deps)).to.include({ ran: true, removed: 0 });
    expect(calls).to.deep.equal(['release']);
  });

  it('stops at the first batch after the lock was lost, and invalidates on the way out', async () => {
    const { deps, calls } = depsWith([3, 3, 3], [false]);
    let failure: unknown;
    await purgeOrders(deps).catch((error: unknown) => (failure = error));
    expect((failure as Error).message).to.equal('order purge lost its lock after 3 removed');
    expect(calls).to.deep.equal([
      'delete ≤3: 3',
      'invalidate orders',
      'extend 300000',
      'invalidate orders',
      'release',
    ]);
  });
});
