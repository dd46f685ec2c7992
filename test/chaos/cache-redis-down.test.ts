import { expect } from 'chai';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';

/**
 * §4: the cache is disposable. With the cache Redis down, writes are
 * persisted and replicated as usual, reads come from the stores marked
 * `X-Cache: BYPASS`, rate limits let requests through at once, and `/ready`
 * says `degraded`. When it comes back, nothing older than the data is served.
 */
describe('chaos: the cache Redis is down (spec §4)', function () {
  this.timeout(90_000);
  let cache: PrivateRedis;
  let pipeline: Pipeline;
  const WAIT = { Prefer: 'wait=5' };

  before(async () => {
    cache = await startPrivateRedis();
    pipeline = await startPipeline({
      config: { REDIS_CACHE_URL: cache.url, RATE_LIMIT_PER_MINUTE: '100000' },
    });
  });
  after(async () => {
    await pipeline.stop();
    await cache.destroy();
  });

  it('persists writes (201 under Prefer: wait), serves reads from the stores with BYPASS, says degraded, and serves nothing stale once it is back', async () => {
    const { users, orders, customers } = pipeline.urls;
    const before = await http('POST', `${users}/users`, {
      json: { name: 'before' },
      headers: WAIT,
    });
    expect(before.status).to.equal(201);
    // Cached while the cache is up: a page without the users written while it is down.
    expect((await http('GET', `${users}/users?page_size=100`)).headers['x-cache']).to.equal('MISS');
    expect((await http('GET', `${users}/users?page_size=100`)).headers['x-cache']).to.equal('HIT');

    await cache.stop();

    const started = Date.now();
    const user = await http('POST', `${users}/users`, {
      json: { name: 'while down' },
      headers: WAIT,
    });
    expect(user.status, user.text).to.equal(201);
    expect(Date.now() - started, 'a write never waits on the cache').to.be.below(3000);
    const order = await http('POST', `${orders}/orders`, {
      json: { vehicle_manufacturer: 'Vauxhall', model: 'Corsa', total_price: 1 },
      headers: WAIT,
    });
    expect(order.status, order.text).to.equal(201);
    const customer = await http('POST', `${customers}/customers`, {
      json: { username: `down-${Date.now().toString(36)}`, address: 'a', income: 1 },
      headers: WAIT,
    });
    expect(customer.status, customer.text).to.equal(201);
    const patched = await http('PATCH', `${customers}/customers/${customer.body.customer.uuid}`, {
      json: { address: 'b' },
      headers: WAIT,
    });
    expect(patched.status, patched.text).to.be.oneOf([200, 201]);

    for (const [url, check] of [
      [
        `${users}/users/${user.body.user.id}`,
        (b: never) => expect(b).to.have.nested.property('user.name', 'while down'),
      ],
      [
        `${users}/users?page_size=100`,
        (b: { users: { id: number }[] }) =>
          expect(b.users.map((u) => u.id)).to.include(user.body.user.id),
      ],
      [
        `${orders}/orders/${order.body.order.id}`,
        (b: never) => expect(b).to.have.nested.property('order.version', 1),
      ],
      [
        `${customers}/customers/${customer.body.customer.uuid}`,
        (b: never) => expect(b).to.have.nested.property('customer.address', 'b'),
      ],
    ] as const) {
      const read = await http('GET', url);
      expect(read.status, url).to.equal(200);
      expect(read.headers['x-cache'], url).to.equal('BYPASS');
      (check as (body: unknown) => void)(read.body);
    }
    // The change reached the Mongo copy too (replication does not wait on the cache).
    await eventually(
      async () => {
        const doc = await pipeline.connections.mongo
          .db!.collection<{ _id: string; address: string }>('customers')
          .findOne({ _id: customer.body.customer.uuid });
        return doc?.address === 'b' ? true : undefined;
      },
      { timeoutMs: 20_000, what: 'the customer replica' },
    );

    const ready = await http('GET', `${users}/ready`);
    expect(ready.status).to.equal(200);
    expect(ready.body).to.deep.include({ status: 'degraded' });
    expect(ready.body.checks).to.include({ redis_cache: 'down', redis_queue: 'up' });

    await cache.start();
    // Back (empty: a cache Redis keeps nothing across a restart): the page has the new user.
    const page = await eventually(
      async () => {
        const read = await http('GET', `${users}/users?page_size=100`);
        return read.headers['x-cache'] !== 'BYPASS' ? read : undefined;
      },
      { timeoutMs: 20_000, what: 'reads to use the cache again' },
    );
    expect(page.body.users.map((u: { id: number }) => u.id)).to.include(user.body.user.id);
    expect((await http('GET', `${users}/ready`)).body.status).to.equal('ready');
  });
});
