import { expect } from 'chai';
import { http } from '../../support/http.js';
import { startPipeline, type Pipeline } from '../../support/pipeline.js';
import { QUEUE_NAMES, type QueueName } from '../../../shared/infra/queues/queue-names.js';
import type { ShardedQueue } from '../../../shared/infra/queues/sharded-queue.js';

const BOUND = 5;

/** A change event as the persist workers publish it; never processed here (workers stopped). */
function event(i: number) {
  return {
    id: `users-${i}-v1-event`,
    type: 'insert',
    entity: 'users',
    key: String(i),
    before: null,
    after: { id: i, name: `backlog ${i}` },
    version: 1,
    at: 0,
    requestId: `backlog-${i}`,
  };
}

describe('backpressure watches the whole pipeline: replicate and notify, not only persist (§3.7)', function () {
  this.timeout(30_000);
  let pipeline: Pipeline;
  const queue = (name: QueueName): ShardedQueue<unknown> => {
    const found = pipeline.apps.queues.find((q) => q.name === name);
    if (!found) throw new Error(`no ${name} queue`);
    return found as ShardedQueue<unknown>;
  };
  /** Fills a downstream queue to the bound, as a stalled Mongo or SMTP server would. */
  async function backlog(name: QueueName): Promise<void> {
    const jobs = Array.from({ length: BOUND }, (_, i) => ({ name: 'backlog', data: event(i + 1) }));
    await queue(name).addBulk(jobs);
    expect(await queue(name).getWaitingCount()).to.equal(BOUND);
  }

  beforeEach(async () => {
    pipeline = await startPipeline({
      workers: false,
      config: {
        BACKPRESSURE_MAX_WAITING: String(BOUND),
        BACKPRESSURE_CHECK_INTERVAL_MS: '0',
        BACKPRESSURE_RETRY_AFTER_SECONDS: '4',
        MAIL_TO: 'ops@example.test',
      },
    });
  });
  afterEach(() => pipeline.stop());

  it('a replicate backlog at the bound refuses user writes with 503 + Retry-After and enqueues nothing', async () => {
    await backlog(QUEUE_NAMES.replicate);
    const refused = await http('POST', `${pipeline.urls.users}/users`, { form: { name: 'Ada' } });
    expect(refused.status).to.equal(503);
    expect(refused.headers['retry-after']).to.equal('4');
    expect(refused.body.errors[0]).to.match(/too many writes are waiting.*\(replicate\)/);
    const persisting = await queue(QUEUE_NAMES.persistUsers).getJobCounts('waiting', 'delayed');
    expect((persisting.waiting ?? 0) + (persisting.delayed ?? 0)).to.equal(0);
    // Every service feeding replicate is refused; orders (Mongo only, no replicate) are not.
    const listing = await http('POST', `${pipeline.urls.listings}/listings`, {
      form: { user_id: '1', price: '10', listing_type: 'sale' },
    });
    expect(listing.status).to.equal(503);
    const order = await http('POST', `${pipeline.urls.orders}/orders`, {
      json: { vehicle_manufacturer: 'Saab', model: '99', total_price: 1 },
    });
    expect(order.status).to.equal(202);
    expect(await queue(QUEUE_NAMES.replicate).getWaitingCount()).to.equal(BOUND);
  });

  it('a notify backlog at the bound refuses customer writes, not user writes', async () => {
    await backlog(QUEUE_NAMES.notify);
    const refused = await http('PUT', `${pipeline.urls.customers}/customer`, {
      json: { username: `held-${Date.now()}`, address: 'a', income: 1 },
    });
    expect(refused.status).to.equal(503);
    expect(refused.headers['retry-after']).to.equal('4');
    expect(refused.body.errors[0]).to.match(/\(notify\)/);
    expect(await queue(QUEUE_NAMES.persistCustomers).getWaitingCount()).to.equal(0);
    const user = await http('POST', `${pipeline.urls.users}/users`, { form: { name: 'Bob' } });
    expect(user.status).to.equal(202);
  });
});
