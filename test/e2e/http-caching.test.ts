import { expect } from 'chai';
import { Agent, interceptors, request } from 'undici';
import { startCountingProxy } from '../support/counting-proxy.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';

/**
 * §4: every read answers an ETag and Cache-Control and honours
 * If-None-Match, so HTTP caches revalidate; §3.8: If-Match makes a write
 * conditional on the version the client read.
 */
describe('HTTP caching and conditional requests (spec §3.8, §4)', function () {
  this.timeout(60_000);
  let pipeline: Pipeline;
  const WAIT = { Prefer: 'wait=10' };

  before(async () => {
    pipeline = await startPipeline({ config: { CACHE_CONTROL_MAX_AGE: '1' } });
  });
  after(() => pipeline.stop());

  async function placeOrder(): Promise<{ id: string; version: number }> {
    const answer = await http('POST', `${pipeline.urls.orders}/orders`, {
      json: { vehicle_manufacturer: 'Vauxhall', model: 'Corsa', total_price: 10 },
      headers: WAIT,
    });
    expect(answer.status).to.equal(201);
    return answer.body.order;
  }

  it('answers every kind of read with an ETag and Cache-Control, and a matching If-None-Match with 304 and no body', async () => {
    const order = await placeOrder();
    const user = await http('POST', `${pipeline.urls.users}/users`, {
      json: { name: 'Tagged' },
      headers: WAIT,
    });
    const reads = [
      `${pipeline.urls.orders}/orders/${order.id}`,
      `${pipeline.urls.orders}/orders?page_size=5`,
      `${pipeline.urls.orders}/api/vehicle/order/${order.id}`,
      `${pipeline.urls.users}/users/${user.body.user.id}`,
      `${pipeline.urls.users}/users`,
      `${pipeline.urls.listings}/listings`,
      `${pipeline.urls.public}/public-api/listings`,
      `${pipeline.urls.people}/people`,
      `${pipeline.urls.customers}/customers`,
    ];
    for (const url of reads) {
      const first = await http('GET', url);
      expect(first.status, url).to.equal(200);
      // A version or a body hash (strong), or a page's cache generation (weak).
      expect(first.headers.etag, url).to.match(/^(W\/)?"[^"]+"$/);
      expect(first.headers['cache-control'], url).to.equal('max-age=1');
      const again = await http('GET', url, { headers: { 'If-None-Match': first.headers.etag! } });
      expect(again.status, url).to.equal(304);
      expect(again.text, url).to.equal('');
      expect(again.headers.etag, url).to.equal(first.headers.etag);
      const other = await http('GET', url, { headers: { 'If-None-Match': '"not-it"' } });
      expect(other.status, url).to.equal(200);
    }
    // A resource with a version is tagged by it: what If-Match names.
    const one = await http('GET', `${pipeline.urls.orders}/orders/${order.id}`);
    expect(one.headers.etag).to.equal('"1"');
  });

  it('behind a real HTTP cache (undici’s): fresh reads never reach Spillway, stale ones revalidate to 304, and a write makes the next one a 200 with a new ETag', async () => {
    const order = await placeOrder();
    const recorder = await startCountingProxy(pipeline.urls.orders);
    const cached = new Agent().compose(interceptors.cache());
    const path = `/orders/${order.id}`;
    const get = async () => {
      const answer = await request(`${recorder.url}${path}`, { dispatcher: cached });
      return { etag: answer.headers.etag, body: (await answer.body.json()) as { order: object } };
    };
    const reached = () => recorder.exchanges.filter((s) => s.request === `GET ${path}`);
    try {
      const first = await get();
      expect(first.etag).to.equal('"1"');
      await get();
      await get();
      expect(reached(), 'fresh reads are served by the cache').to.have.length(1);

      // Once max-age (1 s) has passed, the cache asks Spillway again with If-None-Match.
      await eventually(
        async () => {
          await get();
          return reached().length > 1 ? true : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 100, what: 'the cache to revalidate' },
      );
      expect(reached()[1]).to.deep.equal({
        request: `GET ${path}`,
        ifNoneMatch: '"1"',
        status: 304,
      });

      const patched = await http('PATCH', `${pipeline.urls.orders}${path}`, {
        json: { model: 'Astra' },
        headers: WAIT,
      });
      expect(patched.status).to.equal(200);
      const changed = await eventually(
        async () => {
          const read = await get();
          return read.etag === '"2"' ? read : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 100, what: 'the cache to revalidate after the write' },
      );
      expect(changed.body.order).to.include({ model: 'Astra', version: 2 });
      // What reached Spillway after the write was answered in full (the tag it named, if any, was "1").
      const afterWrite = reached().slice(2);
      expect(afterWrite.map((s) => s.status)).to.deep.equal([200]);
      expect(afterWrite[0]?.ifNoneMatch ?? '"1"').to.equal('"1"');
    } finally {
      await cached.close();
      await recorder.close();
    }
  });

  describe('If-Match on updates and deletes', () => {
    it('orders: a stale version is 412 naming the current one and stores nothing; the current one is applied', async () => {
      const order = await placeOrder();
      const url = `${pipeline.urls.orders}/orders/${order.id}`;
      const stale = await http('PATCH', url, {
        json: { model: 'stale' },
        headers: { 'If-Match': '"7"' },
      });
      expect(stale.status).to.equal(412);
      expect(stale.body).to.deep.include({ result: false, code: 'SPW_PRECONDITION_FAILED' });
      expect(stale.body.errors[0]).to.include('version 1');
      expect(stale.headers.etag).to.equal('"1"');
      for (const [method, path, body] of [
        ['DELETE', url, undefined],
        [
          'PUT',
          `${pipeline.urls.orders}/api/vehicle/order/${order.id}`,
          { vehicle_manufacturer: 'Vauxhall', model: 'x', total_price: 10 },
        ],
      ] as const) {
        const refused = await http(method, path, {
          ...(body && { json: body }),
          headers: { 'If-Match': '"2"' },
        });
        expect(refused.status, method).to.equal(412);
      }
      expect((await http('GET', url)).body.order).to.include({ model: 'Corsa', version: 1 });

      const current = await http('PATCH', url, {
        json: { model: 'current' },
        headers: { 'If-Match': '"1"', ...WAIT },
      });
      expect(current.status).to.equal(200);
      expect(current.body.order).to.include({ model: 'current', version: 2 });
      const removed = await http('DELETE', url, { headers: { 'If-Match': '"2"', ...WAIT } });
      expect(removed.status).to.equal(200);
      expect((await http('GET', url)).status).to.equal(404);
    });

    it('customers: a stale version is 412 and the row and events do not change; `*` and the current one pass', async () => {
      const created = await http('POST', `${pipeline.urls.customers}/customers`, {
        json: { username: `ifm-${Date.now().toString(36)}`, address: 'a', income: 1 },
        headers: WAIT,
      });
      const url = `${pipeline.urls.customers}/customers/${created.body.customer.uuid}`;
      const read = await http('GET', url);
      expect(read.headers.etag).to.equal('"1"');
      const stale = await http('PATCH', url, {
        json: { address: 'stale', username: `taken-${Date.now().toString(36)}` },
        headers: { 'If-Match': 'W/"1", "5"' },
      });
      expect(stale.status).to.equal(412);
      const events = await http('GET', `${url}/events`);
      expect(events.body.events).to.have.length(1);
      const star = await http('PATCH', url, {
        json: { address: 'b' },
        headers: { 'If-Match': '*', ...WAIT },
      });
      expect(star.status).to.be.oneOf([200, 201]);
      const current = await http('DELETE', url, { headers: { 'If-Match': '"2"', ...WAIT } });
      expect(current.status).to.be.oneOf([200, 201]);
      expect(current.body.customer).to.include({ deleted: true, version: 3 });
    });
  });
});
