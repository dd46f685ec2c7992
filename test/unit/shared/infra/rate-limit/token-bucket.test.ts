import { expect } from 'chai';
import { TokenBucket } from '../../../../../shared/infra/rate-limit/token-bucket.js';

/** 60 per minute: one token a second. */
const shape = { capacity: 60, periodMs: 60_000 };

describe('TokenBucket (one client’s budget as one process counts it)', () => {
  it('starts full, takes units until they are spent, then refuses with the wait for them', () => {
    const bucket = new TokenBucket(shape, 0);
    expect(bucket.take(59, 0)).to.deep.equal({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    expect(bucket.take(1, 0)).to.deep.equal({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    expect(bucket.take(1, 0)).to.deep.equal({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    expect(bucket.take(10, 0)).to.include({ allowed: false, retryAfterSeconds: 10 });
  });

  it('refills continuously at capacity per period, never past the capacity', () => {
    const bucket = new TokenBucket(shape, 0);
    bucket.take(60, 0);
    expect(bucket.take(3, 2_500)).to.include({ allowed: false, retryAfterSeconds: 1 });
    expect(bucket.take(2, 2_500)).to.include({ allowed: true, remaining: 0 });
    expect(bucket.take(1, 10 * 60_000)).to.include({ allowed: true, remaining: 59 });
  });

  it('refuses a weight larger than the whole capacity, naming the wait for a full bucket', () => {
    const bucket = new TokenBucket(shape, 0);
    bucket.take(30, 0);
    expect(bucket.take(61, 0)).to.deep.equal({
      allowed: false,
      remaining: 30,
      retryAfterSeconds: 30,
    });
  });

  it('a refused take spends nothing', () => {
    const bucket = new TokenBucket(shape, 0);
    bucket.take(50, 0);
    expect(bucket.take(20, 0).allowed).to.equal(false);
    expect(bucket.take(10, 0)).to.include({ allowed: true, remaining: 0 });
  });

  it('hands its spending to a sync once, and takes the shared count less what it spent meanwhile', () => {
    const bucket = new TokenBucket(shape, 0);
    bucket.take(10, 0);
    expect(bucket.hasUnsent()).to.equal(true);
    expect(bucket.beginSync()).to.equal(10);
    expect(bucket.hasUnsent()).to.equal(false);
    bucket.take(5, 0); // while the sync is in flight
    // Another process spent 40 of this client's budget: the shared bucket holds 60 − 10 − 40.
    bucket.endSync(10, 0);
    expect(bucket.take(5, 0)).to.include({ allowed: true, remaining: 0 });
    expect(bucket.take(1, 0).allowed).to.equal(false);
    // The 5 spent in flight and the 5 after it go with the next sync.
    expect(bucket.beginSync()).to.equal(10);
  });

  it('carries a shared debt (processes overspent together) as a longer wait', () => {
    const bucket = new TokenBucket(shape, 0);
    bucket.take(60, 0);
    bucket.beginSync();
    bucket.endSync(-30, 0);
    expect(bucket.take(1, 0)).to.deep.equal({
      allowed: false,
      remaining: 0,
      retryAfterSeconds: 31,
    });
    expect(bucket.take(1, 31_000).allowed).to.equal(true);
  });

  it('never takes more from a shared answer than its capacity', () => {
    const bucket = new TokenBucket(shape, 0);
    bucket.beginSync();
    bucket.endSync(1_000, 0);
    expect(bucket.take(61, 0).allowed).to.equal(false);
    expect(bucket.take(60, 0)).to.include({ allowed: true, remaining: 0 });
  });

  it('after a failed sync goes on with its own count and does not send the lost units again', () => {
    const bucket = new TokenBucket(shape, 0);
    bucket.take(20, 0);
    bucket.beginSync();
    bucket.failSync();
    expect(bucket.beginSync()).to.equal(0);
    expect(bucket.take(41, 0).allowed).to.equal(false);
    expect(bucket.take(40, 0).allowed).to.equal(true);
  });

  it('is settled (the same as a new bucket) only when full again with nothing to send', () => {
    const bucket = new TokenBucket(shape, 0);
    expect(bucket.isSettled(0)).to.equal(true);
    bucket.take(2, 0);
    bucket.beginSync();
    expect(bucket.isSettled(5_000)).to.equal(false); // a sync is in flight
    bucket.endSync(58, 5_000);
    expect(bucket.isSettled(6_000)).to.equal(false);
    expect(bucket.isSettled(7_000)).to.equal(true);
  });
});
