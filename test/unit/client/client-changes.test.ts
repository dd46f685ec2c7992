import { expect } from 'chai';
import {
  createClient,
  DeliveryFailedError,
  ItemRejectedError,
  type HttpAnswer,
  type HttpRequest,
} from '../../../client/src/index.js';
import { recordingSleep } from './fake-spillway.js';

const ORDER_ID = '0123456789abcdef01234567';

function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return { status, text: JSON.stringify(body), header: (name) => headers[name] };
}

describe('@spillway/client updates and removals (one request each; fake transport)', () => {
  const order = { id: ORDER_ID, vehicle_manufacturer: 'Skoda', model: 'Octavia', total_price: 1 };

  it('PATCHes and DELETEs with their own Idempotency-Key and resolve with the answer', async () => {
    const seen: HttpRequest[] = [];
    const spillway = createClient(
      { services: { orders: 'http://orders.test:8080' } },
      {
        transport: async (request) => {
          seen.push(request);
          return json(202, { result: true, order, job_id: `orders-${ORDER_ID}-v2` });
        },
      },
    );
    const updated = await spillway.orders.update(ORDER_ID, { status: 'confirmed' }, { ifMatch: 1 });
    const removed = await spillway.orders.remove(ORDER_ID);
    expect(updated).to.deep.include({ status: 202, id: ORDER_ID, jobId: `orders-${ORDER_ID}-v2` });
    expect(removed.resource).to.deep.equal(order);
    expect(seen.map((request) => `${request.method} ${request.path}`)).to.deep.equal([
      `PATCH /orders/${ORDER_ID}`,
      `DELETE /orders/${ORDER_ID}`,
    ]);
    expect(seen[0]?.body).to.equal('{"status":"confirmed"}');
    expect(seen[0]?.headers['if-match']).to.equal('"1"');
    expect(seen[0]?.headers['idempotency-key']).to.not.equal(seen[1]?.headers['idempotency-key']);
  });

  it('sends the writes to one key in call order, each after the previous one was answered', async () => {
    const log: string[] = [];
    const spillway = createClient(
      { services: { customers: 'http://customers.test:8888' } },
      {
        transport: async (request) => {
          const body = request.body ?? 'delete';
          log.push(`start ${request.path} ${body}`);
          await new Promise((resolve) => setTimeout(resolve, request.path.endsWith('a') ? 15 : 1));
          log.push(`end ${request.path} ${body}`);
          return json(202, { result: true, customer: { uuid: 'x' }, job_id: 'j' });
        },
      },
    );
    await Promise.all([
      spillway.customers.update('a', { address: '1' }),
      spillway.customers.update('b', { address: '1' }),
      spillway.customers.update('a', { address: '2' }),
      spillway.customers.remove('a'),
    ]);
    const onA = log.filter((line) => line.includes('/customers/a'));
    expect(onA).to.deep.equal([
      'start /customers/a {"address":"1"}',
      'end /customers/a {"address":"1"}',
      'start /customers/a {"address":"2"}',
      'end /customers/a {"address":"2"}',
      'start /customers/a delete',
      'end /customers/a delete',
    ]);
    // Another key does not wait behind them.
    expect(log.indexOf('end /customers/b {"address":"1"}')).to.be.lessThan(
      log.indexOf('end /customers/a {"address":"1"}'),
    );
  });

  it('retries a 503 under the same key, and refuses a taken username (409) and an unknown key (404)', async () => {
    const answers = [
      json(503, { result: false, errors: ['busy'] }, { 'retry-after': '1' }),
      json(202, { result: true, customer: { uuid: 'u1' }, job_id: 'j1' }),
      json(409, { result: false, errors: ['username "bob" is taken'] }),
      json(404, { result: false, errors: ['no such customer'] }),
    ];
    const keys: string[] = [];
    const spillway = createClient(
      { services: { customers: 'http://customers.test:8888' } },
      {
        transport: async (request) => {
          keys.push(request.headers['idempotency-key'] ?? '');
          return answers.shift()!;
        },
        sleep: recordingSleep().sleep,
      },
    );
    expect((await spillway.customers.update('u1', { address: 'x' })).id).to.equal('u1');
    expect(keys[1]).to.equal(keys[0]);
    const taken = await spillway.customers
      .update('u2', { username: 'bob' })
      .catch((e: unknown) => e);
    expect(taken).to.be.instanceOf(ItemRejectedError);
    expect(taken).to.include({ status: 409 });
    const missing = await spillway.customers.remove('u3').catch((e: unknown) => e);
    expect(missing).to.include({ status: 404 });
  });

  it('a network error then an exhausted budget: maybe stored', async () => {
    let calls = 0;
    const spillway = createClient(
      { services: { orders: 'http://orders.test:8080' }, retry: { retries: 1 } },
      {
        transport: async () => {
          calls += 1;
          throw Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
        },
        sleep: recordingSleep().sleep,
      },
    );
    const error = await spillway.orders.remove(ORDER_ID).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DeliveryFailedError);
    expect(error).to.include({ maybeStored: true, attempts: 2 });
    expect(calls).to.equal(2);
  });
});
