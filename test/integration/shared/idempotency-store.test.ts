import { expect } from 'chai';
import { Redis } from 'ioredis';
import { IdempotencyStore } from '../../../shared/idempotency/idempotency-store.js';
import { eventually } from '../../support/eventually.js';
import { deleteOwnKeys, ownKeys, ownPrefix } from '../../support/own-keys.js';
import { testConfig } from '../../support/test-config.js';

const ANSWER = {
  status: 202,
  headers: { location: '/users/1' },
  body: { result: true },
  bodyKind: 'json' as const,
};

describe('IdempotencyStore on the queue Redis', () => {
  let redis: Redis;
  let store: IdempotencyStore;
  let prefix: string;

  before(() => {
    redis = new Redis(testConfig().redis.queueUrl);
  });
  beforeEach(() => {
    prefix = ownPrefix('test');
    store = new IdempotencyStore(redis, { prefix, ttlSeconds: 60, pendingTtlSeconds: 1 });
  });
  afterEach(() => deleteOwnKeys(redis, prefix));
  after(() => redis.quit());

  it('lets exactly one of many concurrent claims of a key win', async () => {
    const claims = await Promise.all(
      Array.from({ length: 50 }, () => store.claim('users', 'k', 'f')),
    );
    expect(claims.filter((c) => c.kind === 'claimed')).to.have.length(1);
    expect(claims.filter((c) => c.kind === 'in-progress')).to.have.length(49);
  });

  it('replays a completed answer with its fingerprint, for the stored time', async () => {
    const claim = await store.claim('users', 'k', 'f');
    if (claim.kind !== 'claimed') throw new Error('not claimed');
    expect(await store.complete('users', 'k', { token: claim.token, fingerprint: 'f' }, ANSWER)).to
      .be.true;
    expect(await store.claim('users', 'k', 'other')).to.deep.equal({
      kind: 'answered',
      fingerprint: 'f',
      answer: ANSWER,
    });
    const ttl = await redis.ttl((await redis.keys(`${prefix}:idempotency:*`))[0] ?? '');
    expect(ttl).to.be.within(55, 60);
  });

  it('keeps keys of different services apart', async () => {
    expect((await store.claim('users', 'k', 'f')).kind).to.equal('claimed');
    expect((await store.claim('orders', 'k', 'f')).kind).to.equal('claimed');
  });

  it('frees a key on release, so it can be claimed again', async () => {
    const claim = await store.claim('users', 'k', 'f');
    if (claim.kind !== 'claimed') throw new Error('not claimed');
    await store.release('users', 'k', claim.token);
    expect((await store.claim('users', 'k', 'g')).kind).to.equal('claimed');
  });

  it('never lets a request whose reservation expired release or overwrite the next one', async () => {
    const stale = await store.claim('users', 'k', 'f');
    if (stale.kind !== 'claimed') throw new Error('not claimed');
    // Observed, not slept past: Redis itself has expired the reservation.
    await eventually(async () => ((await ownKeys(redis, prefix)).length === 0 ? true : undefined), {
      what: 'the reservation to expire',
    });
    const fresh = await store.claim('users', 'k', 'f');
    expect(fresh.kind).to.equal('claimed');
    await store.release('users', 'k', stale.token);
    expect(await store.complete('users', 'k', { token: stale.token, fingerprint: 'f' }, ANSWER)).to
      .be.false;
    expect((await store.claim('users', 'k', 'f')).kind).to.equal('in-progress');
  });
});
