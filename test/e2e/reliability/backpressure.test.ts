import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eventually } from '../../support/eventually.js';
import { http } from '../../support/http.js';
import { startPipeline, type Pipeline } from '../../support/pipeline.js';
import { QUEUE_NAMES } from '../../../shared/infra/queues/queue-names.js';

const BOUND = 5;

describe('backpressure: writes refused while a queue is backlogged (§3.7)', function () {
  this.timeout(30_000);
  let pipeline: Pipeline;
  const usersQueue = () => {
    const queue = pipeline.apps.queues.find((q) => q.name === QUEUE_NAMES.persistUsers);
    if (!queue) throw new Error('no user queue');
    return queue;
  };

  before(async () => {
    pipeline = await startPipeline({
      workers: false,
      config: {
        BACKPRESSURE_MAX_WAITING: String(BOUND),
        // Counted on every write here, so the test does not depend on timing.
        BACKPRESSURE_CHECK_INTERVAL_MS: '0',
        BACKPRESSURE_RETRY_AFTER_SECONDS: '3',
      },
    });
  });
  after(async () => {
    await pipeline.stop();
  });

  it('answers 503 with Retry-After once the bound is reached, keeps reads, and resumes when workers drain it', async () => {
    const users = `${pipeline.urls.users}/users`;
    const key = randomUUID();
    const first = await http('POST', users, {
      form: { name: 'first' },
      headers: { 'Idempotency-Key': key },
    });
    expect(first.status).to.equal(202);
    for (let i = 1; i < BOUND; i += 1) {
      expect((await http('POST', users, { form: { name: `fill ${i}` } })).status).to.equal(202);
    }
    expect(await usersQueue().getWaitingCount()).to.equal(BOUND);

    const refused = await http('POST', users, { form: { name: 'one too many' } });
    expect(refused.status).to.equal(503);
    expect(refused.headers['retry-after']).to.equal('3');
    expect(refused.body.errors[0]).to.match(/too many writes are waiting to be stored/);
    expect(await usersQueue().getWaitingCount()).to.equal(BOUND);

    // Reads go on; a write already answered is still replayed; other queues take writes.
    expect((await http('GET', users)).status).to.equal(200);
    const replay = await http('POST', users, {
      form: { name: 'first' },
      headers: { 'Idempotency-Key': key },
    });
    expect([replay.status, replay.text]).to.deep.equal([202, first.text]);
    const order = await http('POST', `${pipeline.urls.orders}/orders`, {
      json: { vehicle_manufacturer: 'Saab', model: '99', total_price: 1 },
    });
    expect(order.status).to.equal(202);
    // The public API passes the user service's refusal on, Retry-After included.
    const viaPublic = await http('POST', `${pipeline.urls.public}/public-api/users`, {
      json: { name: 'public' },
    });
    expect(viaPublic.status).to.equal(503);
    expect(viaPublic.headers['retry-after']).to.equal('3');

    pipeline.startWorkers();
    const accepted = await eventually(async () => {
      const answer = await http('POST', users, { form: { name: 'after the drain' } });
      return answer.status === 202 ? answer : undefined;
    });
    expect(accepted.body.user.name).to.equal('after the drain');
  });

  it('counts each queue on its own: a full order queue refuses orders, not users', async () => {
    await pipeline.stopWorkers();
    const orders = `${pipeline.urls.orders}/orders`;
    const car = { vehicle_manufacturer: 'Saab', model: '96', total_price: 1 };
    let status = 202;
    for (let i = 0; i <= BOUND && status === 202; i += 1) {
      status = (await http('POST', orders, { json: car })).status;
    }
    expect(status).to.equal(503);
    const removal = await http('DELETE', `${orders}/${'a'.repeat(24)}`);
    expect(removal.status).to.equal(503);
    expect((await http('GET', orders)).status).to.equal(200);
    expect(
      (await http('POST', `${pipeline.urls.users}/users`, { form: { name: 'u' } })).status,
    ).to.equal(202);
    pipeline.startWorkers();
  });
});
