import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eventually } from '../../support/eventually.js';
import { http, type HttpAnswer } from '../../support/http.js';
import { startPipeline, type Pipeline } from '../../support/pipeline.js';
import { unfinishedJobs } from '../../support/queue-jobs.js';

const WAIT = { Prefer: 'wait=10' };

/** What a replay must repeat exactly. */
function answerOf(answer: HttpAnswer) {
  return {
    status: answer.status,
    text: answer.text,
    location: answer.headers.location,
    jobId: answer.headers['x-job-id'],
  };
}

describe('Idempotency-Key on writes (§3.6)', function () {
  this.timeout(30_000);
  let pipeline: Pipeline;
  const jobs = () => unfinishedJobs(pipeline.apps.queues);

  before(async () => {
    pipeline = await startPipeline({ config: { ORDER_LEGACY_WAIT_SECONDS: '0' } });
  });
  after(async () => {
    await pipeline.stop();
  });

  describe('with workers running', () => {
    it('stores one row for the same key sent twice and answers both with the same user', async () => {
      const name = `idem-${randomUUID()}`;
      const key = randomUUID();
      const first = await http('POST', `${pipeline.urls.users}/users`, {
        form: { name },
        headers: { 'Idempotency-Key': key },
      });
      const second = await http('POST', `${pipeline.urls.users}/users`, {
        form: { name },
        headers: { 'Idempotency-Key': key },
      });
      expect(first.status).to.equal(202);
      expect(answerOf(second)).to.deep.equal(answerOf(first));
      expect(second.headers['idempotent-replayed']).to.equal('true');
      expect(first.headers['idempotent-replayed']).to.equal(undefined);
      await eventually(async () => ((await jobs()) === 0 ? true : undefined));
      const [rows] = await pipeline.connections.mysql.query(
        'SELECT COUNT(*) AS n FROM users WHERE name = ?',
        [name],
      );
      expect((rows as { n: number }[])[0]?.n).to.equal(1);
    });

    it('replays a 201 (Prefer: wait) as a 201 with the same body', async () => {
      const key = randomUUID();
      const send = () =>
        http('POST', `${pipeline.urls.orders}/orders`, {
          json: { vehicle_manufacturer: 'Saab', model: '900', total_price: 1000 },
          headers: { 'Idempotency-Key': key, ...WAIT },
        });
      const first = await send();
      const second = await send();
      expect(first.status).to.equal(201);
      expect(answerOf(second)).to.deep.equal(answerOf(first));
    });
  });

  it('documents the Idempotency-Key header and the guard answers on every write operation', async () => {
    const doc = (await http('GET', `${pipeline.urls.orders}/api/openapi.json`)).body;
    for (const [path, method] of [
      ['/orders', 'post'],
      ['/orders/{id}', 'patch'],
      ['/orders/{id}', 'delete'],
    ] as const) {
      const operation = doc.paths[path][method];
      const names = operation.parameters.map((p: { name: string }) => p.name);
      expect(names, `${method} ${path}`).to.include('Idempotency-Key');
      expect(Object.keys(operation.responses)).to.include.members(['409', '422', '429', '503']);
    }
    const read = doc.paths['/orders'].get;
    expect(read.parameters.map((p: { name: string }) => p.name)).not.to.include('Idempotency-Key');
  });

  describe('on every write route (workers stopped, so the queues show each enqueue)', () => {
    let userId: number;
    let customerUuid: string;
    let orderId: string;

    before(async () => {
      const user = await http('POST', `${pipeline.urls.users}/users`, {
        form: { name: 'Ida' },
        headers: WAIT,
      });
      const customer = await http('POST', `${pipeline.urls.customers}/customers`, {
        json: { username: `idem-${randomUUID()}`, address: '1 Key St', income: '10.50' },
        headers: WAIT,
      });
      const order = await http('POST', `${pipeline.urls.orders}/orders`, {
        json: { vehicle_manufacturer: 'Volvo', model: '240', total_price: 5000 },
        headers: WAIT,
      });
      expect([user.status, customer.status, order.status]).to.deep.equal([201, 201, 201]);
      userId = user.body.user.id;
      customerUuid = customer.body.customer.uuid;
      orderId = order.body.order.id;
      await pipeline.stopWorkers();
    });
    after(async () => {
      pipeline.startWorkers();
      await eventually(async () => ((await jobs()) === 0 ? true : undefined));
    });

    const car = { vehicle_manufacturer: 'Fiat', model: 'Uno', total_price: 900 };
    const routes: { name: string; send: (key: string) => Promise<HttpAnswer> }[] = [
      {
        name: 'POST /users',
        send: (key) =>
          http('POST', `${pipeline.urls.users}/users`, {
            form: { name: 'Once' },
            headers: { 'Idempotency-Key': key },
          }),
      },
      {
        name: 'POST /listings',
        send: (key) =>
          http('POST', `${pipeline.urls.listings}/listings`, {
            form: { user_id: String(userId), listing_type: 'rent', price: '100' },
            headers: { 'Idempotency-Key': key },
          }),
      },
      {
        name: 'PUT /customer (legacy)',
        send: (key) =>
          http('PUT', `${pipeline.urls.customers}/customer`, {
            json: { username: `legacy-${key}`, address: 'x', income: 1 },
            headers: { 'Idempotency-Key': key },
          }),
      },
      {
        name: 'POST /customers',
        send: (key) =>
          http('POST', `${pipeline.urls.customers}/customers`, {
            json: { username: `rest-${key}`, address: 'x', income: 1 },
            headers: { 'Idempotency-Key': key },
          }),
      },
      {
        name: 'PATCH /customers/{uuid}',
        send: (key) =>
          http('PATCH', `${pipeline.urls.customers}/customers/${customerUuid}`, {
            json: { address: '2 Key St' },
            headers: { 'Idempotency-Key': key },
          }),
      },
      {
        name: 'DELETE /customers/{uuid}',
        send: (key) =>
          http('DELETE', `${pipeline.urls.customers}/customers/${customerUuid}`, {
            headers: { 'Idempotency-Key': key },
          }),
      },
      {
        name: 'POST /orders',
        send: (key) =>
          http('POST', `${pipeline.urls.orders}/orders`, {
            json: car,
            headers: { 'Idempotency-Key': key },
          }),
      },
      {
        name: 'PATCH /orders/{id}',
        send: (key) =>
          http('PATCH', `${pipeline.urls.orders}/orders/${orderId}`, {
            json: { status: 'confirmed' },
            headers: { 'Idempotency-Key': key },
          }),
      },
      {
        name: 'POST /api/vehicle/order/ (legacy)',
        send: (key) =>
          http('POST', `${pipeline.urls.orders}/api/vehicle/order/`, {
            json: car,
            headers: { 'Idempotency-Key': key },
          }),
      },
      {
        name: 'PUT /api/vehicle/order/{id} (legacy)',
        send: (key) =>
          http('PUT', `${pipeline.urls.orders}/api/vehicle/order/${orderId}`, {
            json: { ...car, status: 'new' },
            headers: { 'Idempotency-Key': key },
          }),
      },
      {
        name: 'DELETE /orders/{id}',
        send: (key) =>
          http('DELETE', `${pipeline.urls.orders}/orders/${orderId}`, {
            headers: { 'Idempotency-Key': key },
          }),
      },
      {
        name: 'POST /public-api/users',
        send: (key) =>
          http('POST', `${pipeline.urls.public}/public-api/users`, {
            json: { name: 'Public Once' },
            headers: { 'Idempotency-Key': key },
          }),
      },
      {
        name: 'POST /public-api/listings',
        send: (key) =>
          http('POST', `${pipeline.urls.public}/public-api/listings`, {
            json: { user_id: userId, listing_type: 'sale', price: 7 },
            headers: { 'Idempotency-Key': key },
          }),
      },
    ];

    for (const route of routes) {
      it(`${route.name}: the same key again replays the first answer and enqueues nothing`, async () => {
        const key = randomUUID();
        const before = await jobs();
        const first = await route.send(key);
        expect(first.status, first.text).to.be.within(200, 299);
        const afterFirst = await jobs();
        expect(afterFirst).to.be.above(before);
        const second = await route.send(key);
        expect(answerOf(second)).to.deep.equal(answerOf(first));
        expect(second.headers['idempotent-replayed']).to.equal('true');
        expect(await jobs()).to.equal(afterFirst);
      });
    }

    it('refuses the same key with a different body with 422 and enqueues nothing', async () => {
      const key = randomUUID();
      const url = `${pipeline.urls.users}/users`;
      const first = await http('POST', url, {
        form: { name: 'A' },
        headers: { 'Idempotency-Key': key },
      });
      expect(first.status).to.equal(202);
      const before = await jobs();
      const other = await http('POST', url, {
        form: { name: 'B' },
        headers: { 'Idempotency-Key': key },
      });
      expect(other.status).to.equal(422);
      expect(other.body.errors[0]).to.match(/Idempotency-Key was already used/);
      const elsewhere = await http('POST', `${pipeline.urls.users}/users?x=1`, {
        form: { name: 'A' },
        headers: { 'Idempotency-Key': key },
      });
      expect(elsewhere.status).to.equal(422);
      expect(await jobs()).to.equal(before);
    });

    it('treats the same fields in another order (JSON) as the same request', async () => {
      const key = randomUUID();
      const url = `${pipeline.urls.orders}/orders`;
      const first = await http('POST', url, {
        json: { model: 'V70', vehicle_manufacturer: 'Volvo', total_price: 1 },
        headers: { 'Idempotency-Key': key },
      });
      const second = await http('POST', url, {
        json: { total_price: 1, vehicle_manufacturer: 'Volvo', model: 'V70' },
        headers: { 'Idempotency-Key': key },
      });
      expect(answerOf(second)).to.deep.equal(answerOf(first));
    });

    it('keeps no answer for a refused request, so the key can be used again', async () => {
      const key = randomUUID();
      const url = `${pipeline.urls.users}/users`;
      const bad = await http('POST', url, {
        form: { name: '' },
        headers: { 'Idempotency-Key': key },
      });
      expect(bad.status).to.equal(400);
      const good = await http('POST', url, {
        form: { name: 'Fixed' },
        headers: { 'Idempotency-Key': key },
      });
      expect(good.status).to.equal(202);
    });

    it('frees the key of a create refused for a taken username, so a corrected request may use it', async () => {
      const key = randomUUID();
      const url = `${pipeline.urls.customers}/customers`;
      const taken = `taken-${key}`;
      const first = await http('POST', url, { json: { username: taken, address: 'x', income: 1 } });
      expect(first.status).to.equal(202);
      const refused = await http('POST', url, {
        json: { username: taken, address: 'y', income: 1 },
        headers: { 'Idempotency-Key': key },
      });
      expect(refused.status).to.equal(409);
      const corrected = await http('POST', url, {
        json: { username: `free-${key}`, address: 'y', income: 1 },
        headers: { 'Idempotency-Key': key },
      });
      expect(corrected.status, corrected.text).to.equal(202);
      expect(corrected.body.customer.username).to.equal(`free-${key}`);
    });

    it('refuses a key longer than 200 characters or with spaces with 400; 200 is fine', async () => {
      const url = `${pipeline.urls.users}/users`;
      const long = await http('POST', url, {
        form: { name: 'L' },
        headers: { 'Idempotency-Key': 'k'.repeat(201) },
      });
      expect(long.status).to.equal(400);
      expect(long.body.errors).to.deep.equal(['Idempotency-Key must be at most 200 characters']);
      const spaced = await http('POST', url, {
        form: { name: 'L' },
        headers: { 'Idempotency-Key': 'a b' },
      });
      expect(spaced.status).to.equal(400);
      const longest = await http('POST', url, {
        form: { name: 'L' },
        headers: { 'Idempotency-Key': `${randomUUID()}${'k'.repeat(164)}` },
      });
      expect(longest.status).to.equal(202);
    });

    it('lets exactly one of many concurrent requests with one key enqueue; the others replay it or get 409', async () => {
      const key = randomUUID();
      const before = await jobs();
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          http('POST', `${pipeline.urls.users}/users`, {
            form: { name: 'Concurrent' },
            headers: { 'Idempotency-Key': key },
          }),
        ),
      );
      expect(await jobs()).to.equal(before + 1);
      const accepted = answers.filter((a) => a.status === 202);
      const busy = answers.filter((a) => a.status === 409);
      expect(accepted.length + busy.length).to.equal(answers.length);
      expect(accepted.length).to.be.at.least(1);
      for (const answer of accepted) expect(answerOf(answer)).to.deep.equal(answerOf(accepted[0]!));
      for (const answer of busy) {
        expect(answer.headers['retry-after']).to.equal('1');
        expect(answer.body.errors).to.deep.equal([
          'a request with this Idempotency-Key is in progress; retry shortly',
        ]);
      }
    });
  });
});
