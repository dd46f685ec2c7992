import { expect } from 'chai';
import { Redis } from 'ioredis';
import { IdempotencyStore } from '../../../shared/infra/idempotency/idempotency-store.js';
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
  // The leases' clock, moved by hand: "the lease ran out" is a step, not a sleep.
  let clock: number;
  const advance = (ms: number) => {
    clock += ms;
  };

  before(() => {
    redis = new Redis(testConfig().redis.queueUrl);
  });
  beforeEach(() => {
    prefix = ownPrefix('test');
    clock = Date.now();
    store = new IdempotencyStore(redis, {
      prefix,
      ttlSeconds: 60,
      pendingTtlSeconds: 1,
      now: () => clock,
    });
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

  describe('a planned write (ids fixed before the enqueue)', () => {
    // A µs clock reading has 16 digits: more than Redis' cjson keeps in a number.
    const PLAN = { id: 41, at: 1_718_000_000_123_456 };
    const recordKey = async () => (await ownKeys(redis, prefix))[0] ?? '';

    async function planned(fingerprint = 'f'): Promise<string> {
      const claim = await store.claim('users', 'k', fingerprint);
      if (claim.kind !== 'claimed') throw new Error('not claimed');
      expect(await store.plan('users', 'k', claim.token, PLAN)).to.be.true;
      return claim.token;
    }

    it('is kept for the answer TTL, not the lease, so a late retry still finds it', async () => {
      await planned();
      expect(await redis.ttl(await recordKey())).to.be.within(55, 60);
    });

    it('is taken over, plan intact, by the same request once the holder’s lease ran out', async () => {
      await planned();
      expect((await store.claim('users', 'k', 'f')).kind).to.equal('in-progress');
      advance(1100);
      expect((await store.claim('users', 'k', 'other')).kind, 'another request').to.equal(
        'in-progress',
      );
      const retry = await store.claim('users', 'k', 'f');
      expect(retry).to.include({ kind: 'claimed' });
      expect(retry.kind === 'claimed' && retry.plan).to.deep.equal(PLAN);
      expect((await store.claim('users', 'k', 'f')).kind, 'the retry holds it now').to.equal(
        'in-progress',
      );
      expect(await redis.ttl(await recordKey())).to.be.within(55, 60);
    });

    it('is kept on release, its lease ended, for the retry; dropped when the write was refused', async () => {
      const token = await planned();
      await store.release('users', 'k', token);
      const retry = await store.claim('users', 'k', 'f');
      expect(retry.kind === 'claimed' && retry.plan).to.deep.equal(PLAN);
      if (retry.kind !== 'claimed') throw new Error('not claimed');
      await store.release('users', 'k', retry.token, { dropPlan: true });
      const fresh = await store.claim('users', 'k', 'g');
      expect(fresh.kind === 'claimed' && fresh.plan).to.equal(undefined);
    });

    it('cannot be stored by a request that lost its reservation, nor by the one it was taken from', async () => {
      const stale = await planned();
      advance(1100);
      const retry = await store.claim('users', 'k', 'f');
      if (retry.kind !== 'claimed') throw new Error('not claimed');
      expect(await store.plan('users', 'k', stale, { id: 99, at: 1 })).to.be.false;
      await store.release('users', 'k', stale, { dropPlan: true });
      expect(await store.complete('users', 'k', { token: stale, fingerprint: 'f' }, ANSWER)).to.be
        .false;
      expect(await store.complete('users', 'k', { token: retry.token, fingerprint: 'f' }, ANSWER))
        .to.be.true;
      expect((await store.claim('users', 'k', 'f')).kind).to.equal('answered');
    });
  });

  describe('a planned bulk request (each chunk planned before it is enqueued)', () => {
    const chunk = (first: number) => ({
      digest: `d${first}`,
      plan: { first, at: 1_718_000_000_123_456 + first },
    });

    it('keeps its chunks in order, renews the lease with each, and hands them to the retry that takes it over', async () => {
      const claim = await store.claim('users', 'bulk', 'f');
      if (claim.kind !== 'claimed') throw new Error('not claimed');
      expect(await store.planChunk('users', 'bulk', claim.token, 1, chunk(4)), 'out of order').to.be
        .false;
      expect(await store.planChunk('users', 'bulk', claim.token, 0, chunk(1))).to.be.true;
      advance(700);
      expect(await store.planChunk('users', 'bulk', claim.token, 1, chunk(4))).to.be.true;
      advance(700);
      // 1.4 s after the claim, 0.7 s after the last chunk: the 1 s lease was renewed by it.
      expect((await store.claim('users', 'bulk', 'f')).kind, 'still held').to.equal('in-progress');
      advance(500);
      const retry = await store.claim('users', 'bulk', 'f');
      if (retry.kind !== 'claimed') throw new Error('not taken over');
      expect(retry.chunks).to.deep.equal([chunk(1), chunk(4)]);
      expect(await store.planChunk('users', 'bulk', claim.token, 2, chunk(7)), 'the old holder').to
        .be.false;
      expect(await store.planChunk('users', 'bulk', retry.token, 2, chunk(7))).to.be.true;
      await store.release('users', 'bulk', retry.token);
      const again = await store.claim('users', 'bulk', 'f');
      expect(again.kind === 'claimed' && again.chunks).to.deep.equal([
        chunk(1),
        chunk(4),
        chunk(7),
      ]);
    });
  });
});
