import { expect } from 'chai';
import {
  backoffMs,
  DEFAULT_RETRY,
  retryAfterMs,
  retryDelayMs,
  retryPolicy,
} from '../../../client/src/retry-policy.js';
import { Room } from '../../../client/src/room.js';

describe('@spillway/client retry policy', () => {
  const policy = { ...DEFAULT_RETRY, minDelayMs: 100, maxDelayMs: 1000 };

  it('doubles the backoff per retry up to maxDelayMs, half of it random', () => {
    expect([1, 2, 3, 4, 5].map((retry) => backoffMs(retry, policy, () => 0))).to.deep.equal([
      50, 100, 200, 400, 500,
    ]);
    expect([1, 2, 3, 4, 5].map((retry) => backoffMs(retry, policy, () => 1))).to.deep.equal([
      100, 200, 400, 800, 1000,
    ]);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    expect(retryAfterMs('3', now)).to.equal(3000);
    expect(retryAfterMs('Mon, 07 Dec 2026 10:00:30 GMT', now)).to.equal(30_000);
    expect(retryAfterMs(undefined, now)).to.equal(undefined);
    expect(retryAfterMs('soon', now)).to.equal(undefined);
  });

  it('never retries sooner than the server asked, even past maxDelayMs', () => {
    expect(retryDelayMs(1, policy, 5000, () => 0)).to.equal(5000);
    expect(retryDelayMs(1, policy, 5000, () => 1)).to.equal(5250);
    expect(retryDelayMs(5, policy, 10, () => 0)).to.equal(500);
  });

  it('refuses a negative or non-numeric option, naming it', () => {
    expect(() => retryPolicy({ retries: -1 })).to.throw(RangeError, 'retry.retries');
    expect(retryPolicy({ retries: 2 })).to.deep.equal({ ...DEFAULT_RETRY, retries: 2 });
  });
});

describe('@spillway/client room (maxBuffered)', () => {
  it('lets in up to its capacity, then serves waiters first come, first served', async () => {
    const room = new Room(2);
    expect(room.enter()).to.equal(undefined);
    expect(room.enter()).to.equal(undefined);
    const order: number[] = [];
    const waits = [1, 2, 3].map((n) => room.enter()!.then(() => order.push(n)));
    expect(room.waiting).to.equal(3);
    room.leave();
    room.leave();
    room.leave();
    await Promise.all(waits);
    expect(order).to.deep.equal([1, 2, 3]);
    expect(room.used).to.equal(2);
    room.leave();
    room.leave();
    expect(room.used).to.equal(0);
  });
});
