import { expect } from 'chai';
import {
  ClientClosedError,
  createClient,
  ItemRejectedError,
  publicApi,
  type SentEvent,
} from '../../../client/src/index.js';
import { FAKE_LISTINGS, FakeSpillway, recordingSleep } from './fake-spillway.js';

const listing = (price: number) => ({ user_id: 1, listing_type: 'rent' as const, price });

describe('@spillway/client batching (a fake transport, no sockets)', () => {
  let server: FakeSpillway;
  beforeEach(() => {
    server = new FakeSpillway();
  });

  function client(options: Parameters<typeof createClient>[0] = {}) {
    return createClient(
      { services: { listings: FAKE_LISTINGS }, ...options },
      { transport: server.send, sleep: recordingSleep().sleep },
    );
  }

  it('gathers concurrent creates into NDJSON bulk requests of at most maxItems, one resource each', async () => {
    const spillway = client({ batch: { maxItems: 1000, maxWaitMs: 50 } });
    const results = await Promise.all(
      Array.from({ length: 2_500 }, (_, i) => spillway.listings.create(listing(i + 1))),
    );
    expect(server.requests.map((request) => request.body?.split('\n').length)).to.deep.equal([
      1001, 1001, 501,
    ]);
    for (const request of server.requests) {
      expect(request.method).to.equal('POST');
      expect(request.origin).to.equal(FAKE_LISTINGS);
      expect(request.path).to.equal('/listings/bulk');
      expect(request.headers['content-type']).to.equal('application/x-ndjson');
    }
    // Matched back by index: each call gets its own item's answer.
    results.forEach((result, i) => {
      expect(result.resource.price).to.equal(i + 1);
      expect(result.status).to.equal(202);
      expect(result.jobId).to.equal(`listings-${result.id}-v1`);
    });
    expect(new Set(results.map((result) => result.id)).size).to.equal(2_500);
  });

  it('sends a batch that did not fill once its oldest item waited maxWaitMs', async () => {
    const spillway = client({ batch: { maxItems: 1000, maxWaitMs: 40 } });
    const started = Date.now();
    const first = spillway.listings.create(listing(1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = spillway.listings.create(listing(2));
    await Promise.all([first, second]);
    expect(Date.now() - started).to.be.within(35, 400);
    expect(server.requests).to.have.length(1);
  });

  it('keeps at most maxInFlight requests of a resource on their way', async () => {
    let open = 0;
    let most = 0;
    const spillway = createClient(
      { services: { listings: FAKE_LISTINGS }, batch: { maxItems: 10, maxInFlight: 3 } },
      {
        transport: async (request) => {
          open += 1;
          most = Math.max(most, open);
          await new Promise((resolve) => setTimeout(resolve, 5));
          open -= 1;
          return server.send(request);
        },
      },
    );
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => spillway.listings.create(listing(i + 1))),
    );
    expect(most).to.equal(3);
    expect(server.stored).to.have.length(200);
  });

  it("rejects an invalid item with the server's field errors and resolves the others", async () => {
    const spillway = client();
    const [good, bad] = await Promise.allSettled([
      spillway.listings.create(listing(5)),
      spillway.listings.create(listing(0)),
    ]);
    expect(good.status).to.equal('fulfilled');
    expect(bad.status).to.equal('rejected');
    const error = (bad as PromiseRejectedResult).reason as ItemRejectedError;
    expect(error).to.be.instanceOf(ItemRejectedError);
    expect(error.status).to.equal(400);
    expect(error.errors).to.deep.equal(['price must be greater than 0']);
    expect(error.maybeStored).to.equal(false);
  });

  it('sends users and listings to the public API when asked, with the service token', async () => {
    const spillway = createClient(
      { services: publicApi('http://public.test:7000'), serviceToken: 'a-token-of-16-chars' },
      { transport: server.send },
    );
    await spillway.listings.create(listing(3));
    expect(server.requests[0]?.origin).to.equal('http://public.test:7000');
    expect(server.requests[0]?.path).to.equal('/public-api/listings/bulk');
    expect(server.requests[0]?.headers.authorization).to.equal('Bearer a-token-of-16-chars');
  });

  it('asks the server to answer once persisted with waitSeconds (Prefer: wait)', async () => {
    const spillway = client({ waitSeconds: 5 });
    await spillway.listings.create(listing(3));
    expect(server.requests[0]?.headers.prefer).to.equal('wait=5');
  });

  it('maxBuffered: callers beyond it wait for room, in order, and none is dropped', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const spillway = createClient(
      { services: { listings: FAKE_LISTINGS }, maxBuffered: 10, batch: { maxItems: 4 } },
      { transport: async (request) => (await gate, server.send(request)) },
    );
    const calls = Array.from({ length: 50 }, (_, i) => spillway.listings.create(listing(i + 1)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(spillway.stats()).to.include({ buffered: 10, waiting: 40 });
    expect(server.requests.length).to.be.at.most(3);
    release();
    const results = await Promise.all(calls);
    expect(results.map((result) => result.resource.price)).to.deep.equal(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    // Served first come, first served: the ids follow the calls.
    expect(results.map((result) => result.id)).to.deep.equal(
      [...results.map((result) => result.id)].sort((a, b) => a - b),
    );
    expect(spillway.stats()).to.include({ buffered: 0, waiting: 0 });
  });

  it('flush() sends at once and resolves once every earlier call has settled', async () => {
    const spillway = client({ batch: { maxWaitMs: 60_000 } });
    const calls = [spillway.listings.create(listing(1)), spillway.listings.create(listing(0))];
    await spillway.flush();
    const settled = await Promise.allSettled(calls);
    expect(settled.map((each) => each.status)).to.deep.equal(['fulfilled', 'rejected']);
  });

  it('close() drains, then refuses new calls; a second close() is the same promise', async () => {
    const spillway = client({ batch: { maxWaitMs: 60_000 } });
    const call = spillway.listings.create(listing(1));
    const closing = spillway.close();
    expect(spillway.close()).to.equal(closing);
    await closing;
    expect((await call).id).to.equal(1);
    let refused: unknown;
    await spillway.listings.create(listing(2)).catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(ClientClosedError);
    expect(server.stored).to.have.length(1);
  });

  it('reports every answered request as a "sent" event', async () => {
    const spillway = client();
    const sent: SentEvent[] = [];
    spillway.on('sent', (event) => sent.push(event));
    await Promise.allSettled([
      spillway.listings.create(listing(1)),
      spillway.listings.create(listing(0)),
    ]);
    expect(sent).to.have.length(1);
    expect(sent[0]).to.include({
      resource: 'listings',
      kind: 'create',
      items: 2,
      attempt: 1,
      status: 207,
      accepted: 1,
      rejected: 1,
      remaining: 0,
      replayed: false,
    });
    expect(spillway.stats().items).to.deep.equal({ accepted: 1, rejected: 1, failed: 0 });
  });

  it('refuses what cannot be an item before it takes room', async () => {
    const spillway = client();
    const refused = await spillway.listings
      .create(null as unknown as ReturnType<typeof listing>)
      .catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(TypeError);
    expect(spillway.stats().buffered).to.equal(0);
  });
});
