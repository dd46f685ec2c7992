import { expect } from 'chai';
import {
  createClient,
  DeliveryFailedError,
  ItemRejectedError,
  type FailedEvent,
  type RetriedEvent,
} from '../../../client/src/index.js';
import { FAKE_LISTINGS, FakeSpillway, recordingSleep, type Fault } from './fake-spillway.js';

const listing = (price: number) => ({ user_id: 1, listing_type: 'sale' as const, price });
const keyOf = (server: FakeSpillway, n: number) => server.requests[n]?.headers['idempotency-key'];

describe('@spillway/client retries: exactly once through 429, 503, 413 and resets (fake transport)', () => {
  let server: FakeSpillway;
  let clock: ReturnType<typeof recordingSleep>;
  beforeEach(() => {
    server = new FakeSpillway();
    clock = recordingSleep();
  });

  function client(retry = {}, batch = {}) {
    return createClient(
      { services: { listings: FAKE_LISTINGS }, retry, batch: { maxWaitMs: 0, ...batch } },
      { transport: server.send, sleep: clock.sleep, random: () => 0.5 },
    );
  }

  async function createMany(spillway: ReturnType<typeof client>, n: number) {
    return Promise.allSettled(
      Array.from({ length: n }, (_, i) => spillway.listings.create(listing(i + 1))),
    );
  }

  it('waits out a 429 for its Retry-After, then sends the same body under the same key', async () => {
    server.faults.push({ kind: 'status', status: 429, retryAfter: '2' });
    const spillway = client();
    const retried: RetriedEvent[] = [];
    spillway.on('retried', (event) => retried.push(event));
    const results = await createMany(spillway, 3);
    expect(results.every((result) => result.status === 'fulfilled')).to.equal(true);
    expect(server.requests).to.have.length(2);
    expect(keyOf(server, 1)).to.equal(keyOf(server, 0));
    expect(server.requests[1]?.body).to.equal(server.requests[0]?.body);
    expect(clock.delays.some((ms) => ms >= 2000 && ms < 2300)).to.equal(true);
    expect(retried[0]).to.include({ status: 429, attempt: 1, items: 3 });
    expect(server.stored).to.have.length(3);
  });

  it('a connection reset after the server took the batch: the retry is answered from the first answer', async () => {
    server.faults.push({ kind: 'reset-after' });
    const spillway = client();
    const results = await createMany(spillway, 5);
    expect(keyOf(server, 1)).to.equal(keyOf(server, 0));
    expect(server.stored).to.have.length(5);
    const ids = results.map((result) => (result.status === 'fulfilled' ? result.value.id : 0));
    expect(ids).to.deep.equal(server.stored.map((stored) => stored.id));
  });

  it('a 503 after part of the batch: those items resolve, the rest go again under a new key', async () => {
    server.faults.push({ kind: 'stop', items: 2, status: 503, retryAfter: '1' });
    const spillway = client();
    const results = await createMany(spillway, 5);
    expect(results.every((result) => result.status === 'fulfilled')).to.equal(true);
    expect(server.requests.map((request) => request.body?.split('\n').length)).to.deep.equal([
      6, 4,
    ]);
    expect(keyOf(server, 1)).to.not.equal(keyOf(server, 0));
    expect(server.stored.map((stored) => stored.item.price)).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it('a 413 at the item limit: the rest follow at once, and later batches stay under the limit', async () => {
    server.maxItems = 300;
    const spillway = client({}, { maxItems: 1000, maxInFlight: 1 });
    const results = await createMany(spillway, 2_000);
    expect(results.every((result) => result.status === 'fulfilled')).to.equal(true);
    const sizes = server.requests.map((request) => (request.body?.split('\n').length ?? 1) - 1);
    expect(sizes[0]).to.equal(1000);
    expect(Math.max(...sizes.slice(1))).to.equal(300);
    expect(server.stored).to.have.length(2_000);
    expect(clock.delays).to.deep.equal([]);
  });

  it('a 413 before anything was read splits the batch in halves until it fits', async () => {
    server.maxBodyItems = 3;
    const spillway = client();
    const results = await createMany(spillway, 10);
    expect(results.every((result) => result.status === 'fulfilled')).to.equal(true);
    expect(server.stored.map((stored) => stored.item.price)).to.deep.equal([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });

  it('a single item the server cannot take at all is refused with 413', async () => {
    server.maxBodyItems = 0;
    const [result] = await createMany(client(), 1);
    const error = (result as PromiseRejectedResult).reason as ItemRejectedError;
    expect(error).to.be.instanceOf(ItemRejectedError);
    expect(error.status).to.equal(413);
  });

  it('retries a 409 "same key in progress" under the same key', async () => {
    server.faults.push({ kind: 'status', status: 409, retryAfter: '1' });
    const results = await createMany(client(), 2);
    expect(results.every((result) => result.status === 'fulfilled')).to.equal(true);
    expect(keyOf(server, 1)).to.equal(keyOf(server, 0));
  });

  it('backs off exponentially with jitter between retries', async () => {
    server.faults.push(
      ...Array.from({ length: 4 }, (): Fault => ({ kind: 'status', status: 502 })),
    );
    await createMany(client({ minDelayMs: 100, maxDelayMs: 10_000 }), 1);
    // random() is 0.5: each delay is 3/4 of its capped exponential step.
    expect(clock.delays).to.deep.equal([75, 150, 300, 600]);
  });

  it('after the budget: a typed error that says the items were not stored when every refusal said so', async () => {
    server.faults.push(
      ...Array.from({ length: 10 }, (): Fault => ({ kind: 'status', status: 503 })),
    );
    const spillway = client({ retries: 3 });
    const failed: FailedEvent[] = [];
    spillway.on('failed', (event) => failed.push(event));
    const results = await createMany(spillway, 2);
    for (const result of results) {
      const error = (result as PromiseRejectedResult).reason as DeliveryFailedError;
      expect(error).to.be.instanceOf(DeliveryFailedError);
      expect(error).to.include({
        reason: 'retries-exhausted',
        maybeStored: false,
        attempts: 4,
        status: 503,
      });
    }
    expect(failed).to.have.length(1);
    expect(spillway.stats().items.failed).to.equal(2);
    expect(server.stored).to.have.length(0);
  });

  it('after the budget: "may have been stored" when an attempt got no answer after sending', async () => {
    server.faults.push(
      { kind: 'reset-before' },
      ...Array.from({ length: 5 }, (): Fault => ({ kind: 'status', status: 503 })),
    );
    const [result] = await createMany(client({ retries: 3 }), 1);
    const error = (result as PromiseRejectedResult).reason as DeliveryFailedError;
    expect(error.maybeStored).to.equal(true);
    expect(error.idempotencyKey).to.equal(keyOf(server, 0));
  });

  it('a refused connection is not "maybe stored": the request never left', async () => {
    server.faults.push(...Array.from({ length: 5 }, (): Fault => ({ kind: 'refused' })));
    const [result] = await createMany(client({ retries: 2 }), 1);
    expect((result as PromiseRejectedResult).reason).to.include({ maybeStored: false });
  });

  it('gives up at once on a refusal that retrying cannot change (401)', async () => {
    server.faults.push({ kind: 'status', status: 401 });
    const [result] = await createMany(client(), 1);
    expect((result as PromiseRejectedResult).reason).to.include({
      reason: 'refused',
      status: 401,
      maybeStored: false,
    });
    expect(server.requests).to.have.length(1);
  });

  it('gives up once retrying would run past maxElapsedMs', async () => {
    server.faults.push({ kind: 'status', status: 429, retryAfter: '60' });
    const [result] = await createMany(client({ maxElapsedMs: 30_000 }), 1);
    expect((result as PromiseRejectedResult).reason).to.include({ reason: 'retries-exhausted' });
    expect(server.requests).to.have.length(1);
  });
});
