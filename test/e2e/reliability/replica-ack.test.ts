import { expect } from 'chai';
import { http } from '../../support/http.js';
import { startPipeline, type Pipeline } from '../../support/pipeline.js';

/**
 * §8: a write is acknowledged only once its job reached a replica. The test
 * queue Redis has no replica, so with REDIS_QUEUE_WAIT_REPLICAS=1 every WAIT
 * times out: that is the case a failover would lose, and it must be a 503.
 */
describe('a write whose job no replica confirmed (WAIT timed out) is a 503, never a 202', function () {
  this.timeout(30_000);
  let pipeline: Pipeline;

  before(async () => {
    pipeline = await startPipeline({
      workers: false,
      config: { REDIS_QUEUE_WAIT_REPLICAS: '1', REDIS_QUEUE_WAIT_TIMEOUT_MS: '200' },
    });
  });
  after(() => pipeline.stop());

  it('answers POST /users 503 with Retry-After, naming the missing confirmation, after the timeout', async () => {
    const started = Date.now();
    const answer = await http('POST', `${pipeline.urls.users}/users`, { form: { name: 'Ada' } });
    expect(answer.status).to.equal(503);
    expect(answer.headers['retry-after']).to.equal('1');
    expect(answer.body.errors[0]).to.match(/0 of 1 replica\(s\) confirmed it within 200 ms/);
    expect(Date.now() - started).to.be.at.least(190);
  });

  it('answers a bulk chunk, an order and a customer write the same way', async () => {
    const bulk = await http('POST', `${pipeline.urls.listings}/listings/bulk`, {
      json: [{ user_id: 1, price: 10, listing_type: 'sale' }],
    });
    expect(bulk.status).to.equal(503);
    const order = await http('POST', `${pipeline.urls.orders}/orders`, {
      json: { vehicle_manufacturer: 'Volvo', model: 'XC40', total_price: 100, status: 'new' },
    });
    expect(order.status).to.equal(503);
    const customer = await http('POST', `${pipeline.urls.customers}/customers`, {
      json: { username: `wait-${Date.now()}`, address: 'Main St 1', income: '10.00' },
    });
    expect(customer.status).to.equal(503);
  });
});
