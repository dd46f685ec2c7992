import { expect } from 'chai';
import { Types } from 'mongoose';
import { QUEUE_NAMES } from '../../shared/infra/queues/queue-names.js';
import { createQueue } from '../../shared/domain/resources/resource-queues.js';
import type { ShardedQueue } from '../../shared/infra/queues/sharded-queue.js';
import type { PersistOrderJob } from '../../shared/domain/writes/order-jobs.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { emptyCache } from '../support/stores.js';

const car = { vehicle_manufacturer: 'Vauxhall', model: 'Vectra', total_price: 5456 };
const WAIT = { Prefer: 'wait=10' };
const UNKNOWN_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';

describe('order service REST routes (spec §2.5), HTTP in → Mongo document out', () => {
  let pipeline: Pipeline;
  let base: string;
  let queue: ShardedQueue<PersistOrderJob>;

  before(async () => {
    pipeline = await startPipeline();
    base = pipeline.urls.orders;
    queue = createQueue(
      pipeline.config,
      pipeline.connections.queueRedis,
      QUEUE_NAMES.persistOrders,
    ) as ShardedQueue<PersistOrderJob>;
  });
  after(async () => {
    await queue.close();
    await pipeline.stop();
  });

  const mongoOrder = async (id: string) =>
    (await pipeline.connections.mongo
      .db!.collection('orders')
      .findOne({ _id: new Types.ObjectId(id) })) ?? undefined;

  async function jobsEverQueued(): Promise<number> {
    const counts = await queue.getJobCounts('wait', 'active', 'completed', 'failed', 'delayed');
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  async function placeOrder(body: Record<string, unknown> = car) {
    const answer = await http('POST', `${base}/orders`, { json: body, headers: WAIT });
    expect(answer.status, answer.text).to.equal(201);
    return answer.body.order as Record<string, unknown> & { id: string };
  }

  describe('POST /orders', () => {
    it('accepts JSON with 202, the full order (24-hex id, status "new"), Location and the job id', async () => {
      const before = Date.now() * 1000;
      const answer = await http('POST', `${base}/orders`, { json: car });
      expect(answer.status).to.equal(202);
      const order = answer.body.order;
      expect(order).to.have.all.keys(
        'id',
        'vehicle_manufacturer',
        'model',
        'total_price',
        'status',
        'created_at',
        'updated_at',
        'version',
      );
      expect(order.id).to.match(/^[0-9a-f]{24}$/);
      expect(order).to.include({ ...car, status: 'new', version: 1 });
      expect(order.created_at).to.be.within(before, Date.now() * 1000 + 1);
      expect(order.updated_at).to.equal(order.created_at);
      expect(answer.headers.location).to.equal(`/orders/${order.id}`);
      expect(answer.body.job_id).to.equal(answer.headers['x-job-id']).and.not.be.empty;
    });

    it('persists the order in Mongo (collection orders) with identical fields and version 1', async () => {
      const answer = await http('POST', `${base}/orders`, {
        json: { ...car, total_price: 19999.99, status: 'confirmed' },
      });
      const order = answer.body.order;
      const doc = await eventually(() => mongoOrder(order.id), { what: 'the Mongo document' });
      expect(doc._id.toHexString()).to.equal(order.id);
      const { _id, deleted, ...fields } = doc;
      expect({ id: _id.toHexString(), ...fields }).to.deep.equal(order);
      expect(order.version).to.equal(1);
      expect(deleted).to.equal(false);
    });

    it('accepts a form body, coercing total_price, and gives each order its own id', async () => {
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          http('POST', `${base}/orders`, {
            form: { vehicle_manufacturer: 'Skoda', model: 'Octavia', total_price: '12000.5' },
          }),
        ),
      );
      for (const answer of answers) {
        expect(answer.status).to.equal(202);
        expect(answer.body.order.total_price).to.equal(12000.5);
      }
      expect(new Set(answers.map((a) => a.body.order.id)).size).to.equal(10);
    });

    it('answers Prefer: wait with 201 once persisted, and the next GET shows it', async () => {
      const order = await placeOrder();
      const read = await http('GET', `${base}/orders/${order.id}`);
      expect(read.status).to.equal(200);
      expect(read.body).to.deep.equal({ result: true, order });
    });

    it('refuses bad bodies with 400 naming each field, and enqueues nothing', async () => {
      const queuedBefore = await jobsEverQueued();
      for (const [body, errors] of [
        [{}, ['vehicle_manufacturer is required', 'model is required', 'total_price is required']],
        [{ ...car, total_price: 0 }, ['total_price must be greater than 0']],
        [{ ...car, total_price: -3 }, ['total_price must be greater than 0']],
        [{ ...car, total_price: 'a hundred' }, ['total_price must be a number']],
        [{ ...car, model: '  ' }, ['model must not be empty']],
        [
          { ...car, vehicle_manufacturer: 'x'.repeat(101) },
          ['vehicle_manufacturer must be at most 100 characters'],
        ],
        [
          { ...car, status: 'shipped' },
          ["invalid status. Supported values: 'new', 'confirmed', 'delivered', 'cancelled'"],
        ],
        [{ ...car, colour: 'red' }, ['unknown field colour']],
      ] as const) {
        const answer = await http('POST', `${base}/orders`, { json: body });
        expect(answer.status, JSON.stringify(body)).to.equal(400);
        expect(answer.body, JSON.stringify(body)).to.deep.include({ result: false, errors });
      }
      expect(await jobsEverQueued()).to.equal(queuedBefore);
    });
  });

  describe('GET /orders/{id}', () => {
    it('is a cache MISS, then a HIT', async () => {
      const order = await placeOrder();
      const first = await http('GET', `${base}/orders/${order.id}`);
      const second = await http('GET', `${base}/orders/${order.id}`);
      expect([first.headers['x-cache'], second.headers['x-cache']]).to.deep.equal(['MISS', 'HIT']);
      expect(second.body).to.deep.equal(first.body);
    });

    it('answers an unknown id with 404 and a message', async () => {
      const answer = await http('GET', `${base}/orders/${UNKNOWN_ID}`);
      expect(answer.status).to.equal(404);
      expect(answer.body).to.deep.include({
        result: false,
        errors: [`order ${UNKNOWN_ID} not found`],
      });
    });

    it('answers an id that is not 24 hex characters with 400', async () => {
      for (const id of ['123', 'zzzzzzzzzzzzzzzzzzzzzzzz', `${UNKNOWN_ID}0`]) {
        const answer = await http('GET', `${base}/orders/${id}`);
        expect(answer.status, id).to.equal(400);
        expect(answer.body).to.deep.include({ result: false, errors: ['invalid id'] });
      }
    });

    it('accepts the id in upper case', async () => {
      const order = await placeOrder();
      const answer = await http('GET', `${base}/orders/${order.id.toUpperCase()}`);
      expect(answer.status).to.equal(200);
      expect(answer.body.order.id).to.equal(order.id);
    });
  });

  describe('GET /orders', () => {
    before(async () => {
      await pipeline.connections.mongo.db!.collection('orders').deleteMany({});
      await emptyCache(pipeline.connections);
      for (let i = 1; i <= 12; i += 1) await placeOrder({ ...car, model: `page-${i}` });
    });

    it('pages newest first, 10 per page by default', async () => {
      const answer = await http('GET', `${base}/orders`);
      expect(answer.status).to.equal(200);
      expect(answer.body.result).to.equal(true);
      expect(answer.body.orders.map((o: { model: string }) => o.model)).to.deep.equal(
        Array.from({ length: 10 }, (_, i) => `page-${12 - i}`),
      );
    });

    it('honours page_num and page_size', async () => {
      const page2 = await http('GET', `${base}/orders?page_num=2&page_size=5`);
      expect(page2.body.orders.map((o: { model: string }) => o.model)).to.deep.equal([
        'page-7',
        'page-6',
        'page-5',
        'page-4',
        'page-3',
      ]);
      const page3 = await http('GET', `${base}/orders?page_num=3&page_size=5`);
      expect(page3.body.orders.map((o: { model: string }) => o.model)).to.deep.equal([
        'page-2',
        'page-1',
      ]);
    });

    it('refuses a bad page_num or page_size with 400 naming it', async () => {
      for (const [query, message] of [
        ['page_num=0', 'invalid page_num'],
        ['page_size=101', 'invalid page_size'],
        ['page_size=x', 'invalid page_size'],
      ]) {
        const answer = await http('GET', `${base}/orders?${query}`);
        expect(answer.status, query).to.equal(400);
        expect(answer.body).to.deep.include({ result: false, errors: [message] });
      }
    });
  });

  describe('PATCH /orders/{id}', () => {
    it('answers 202 with the merged order; the change lands with version 2', async () => {
      const order = await placeOrder();
      const answer = await http('PATCH', `${base}/orders/${order.id}`, {
        json: { status: 'confirmed', total_price: 5000 },
      });
      expect(answer.status).to.equal(202);
      expect(answer.headers.location).to.equal(`/orders/${order.id}`);
      expect(answer.body.order).to.include({
        ...order,
        status: 'confirmed',
        total_price: 5000,
        updated_at: answer.body.order.updated_at,
        version: 2,
      });
      expect(answer.body.order.updated_at).to.be.greaterThan(order.created_at as number);
      const doc = await eventually(
        async () => {
          const found = await mongoOrder(order.id);
          return found?.version === 2 ? found : undefined;
        },
        { what: 'the update in Mongo' },
      );
      expect(doc).to.include({ status: 'confirmed', total_price: 5000, model: car.model });
    });

    it('answers Prefer: wait with 200 once persisted, and the next GET shows the change', async () => {
      const order = await placeOrder();
      const answer = await http('PATCH', `${base}/orders/${order.id}`, {
        form: { model: 'Astra' },
        headers: WAIT,
      });
      expect(answer.status).to.equal(200);
      expect(answer.headers['preference-applied']).to.equal('wait');
      const read = await http('GET', `${base}/orders/${order.id}`);
      expect(read.body.order).to.deep.equal(answer.body.order);
      expect(read.body.order.model).to.equal('Astra');
    });

    it('lets the later of two updates win, and a replayed older job changes nothing', async () => {
      const order = await placeOrder();
      const first = await http('PATCH', `${base}/orders/${order.id}`, {
        json: { model: 'first' },
        headers: WAIT,
      });
      const second = await http('PATCH', `${base}/orders/${order.id}`, {
        json: { model: 'second' },
        headers: WAIT,
      });
      expect([first.status, second.status]).to.deep.equal([200, 200]);
      const firstJob = await queue.getJob(first.body.job_id, order.id);
      const replay = await queue.add('order.update', firstJob!.data, { jobId: 'replayed-older' });
      await eventually(async () => ((await replay.isCompleted()) ? true : undefined), {
        what: 'the replayed job',
      });
      const read = await http('GET', `${base}/orders/${order.id}`);
      expect(read.body.order.model).to.equal('second');
      expect((await mongoOrder(order.id))?.version).to.equal(3);
    });

    it('answers an unknown id with 404 and enqueues nothing', async () => {
      const queuedBefore = await jobsEverQueued();
      const answer = await http('PATCH', `${base}/orders/${UNKNOWN_ID}`, {
        json: { status: 'cancelled' },
      });
      expect(answer.status).to.equal(404);
      expect(answer.body.errors).to.deep.equal([`order ${UNKNOWN_ID} not found`]);
      expect(await jobsEverQueued()).to.equal(queuedBefore);
    });

    it('refuses an empty or invalid change with 400 naming the field', async () => {
      const order = await placeOrder();
      for (const [body, errors] of [
        [
          {},
          [
            'nothing to update: send at least one of vehicle_manufacturer, model, total_price, status',
          ],
        ],
        [{ total_price: 0 }, ['total_price must be greater than 0']],
        [
          { status: 'lost' },
          ["invalid status. Supported values: 'new', 'confirmed', 'delivered', 'cancelled'"],
        ],
        [{ created_at: 1 }, ['unknown field created_at']],
      ] as const) {
        const answer = await http('PATCH', `${base}/orders/${order.id}`, { json: body });
        expect(answer.status, JSON.stringify(body)).to.equal(400);
        expect(answer.body).to.deep.include({ result: false, errors });
      }
    });
  });

  describe('DELETE /orders/{id}', () => {
    it('answers 202, then the order reads as 404 and leaves the list', async () => {
      const order = await placeOrder({ ...car, model: 'doomed' });
      await http('GET', `${base}/orders/${order.id}`); // cached before the delete
      const answer = await http('DELETE', `${base}/orders/${order.id}`);
      expect(answer.status).to.equal(202);
      // The order as it stands at the deletion's version (§9: the answer is what the store holds).
      expect(answer.body.order).to.deep.equal({
        ...order,
        version: 2,
        updated_at: answer.body.order.updated_at,
      });
      expect(answer.body.order.updated_at).to.be.at.least(order.updated_at as number);
      const gone = await eventually(async () => {
        const read = await http('GET', `${base}/orders/${order.id}`);
        return read.status === 404 ? read : undefined;
      });
      expect(gone.body.errors).to.deep.equal([`order ${order.id} not found`]);
      const list = await http('GET', `${base}/orders?page_size=100`);
      expect(list.body.orders.map((o: { id: string }) => o.id)).to.not.include(order.id);
    });

    it('answers Prefer: wait with 200 once persisted; a GET right after is 404', async () => {
      const order = await placeOrder();
      const answer = await http('DELETE', `${base}/orders/${order.id}`, { headers: WAIT });
      expect(answer.status).to.equal(200);
      expect((await http('GET', `${base}/orders/${order.id}`)).status).to.equal(404);
    });

    it('is final: a second DELETE and a PATCH of the deleted order are 404', async () => {
      const order = await placeOrder();
      await http('DELETE', `${base}/orders/${order.id}`, { headers: WAIT });
      expect((await http('DELETE', `${base}/orders/${order.id}`)).status).to.equal(404);
      const patch = await http('PATCH', `${base}/orders/${order.id}`, { json: { model: 'x' } });
      expect(patch.status).to.equal(404);
    });

    it('answers an unknown id with 404 and a malformed one with 400', async () => {
      expect((await http('DELETE', `${base}/orders/${UNKNOWN_ID}`)).status).to.equal(404);
      const bad = await http('DELETE', `${base}/orders/nope`);
      expect(bad.status).to.equal(400);
      expect(bad.body.errors).to.deep.equal(['invalid id']);
    });
  });

  describe('the persist-orders worker', () => {
    it('writes orders that arrive together in shared bulk writes', async () => {
      await pipeline.stopWorkers();
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          http('POST', `${base}/orders`, { json: { ...car, model: `bulk-${i}` } }),
        ),
      );
      const batches: number[] = [];
      pipeline.startWorkers({
        onBatch: (queueName, size) => {
          if (queueName === QUEUE_NAMES.persistOrders) batches.push(size);
        },
      });
      for (const answer of answers) {
        await eventually(() => mongoOrder(answer.body.order.id), { what: 'every queued order' });
      }
      expect(batches.reduce((sum, n) => sum + n, 0)).to.equal(30);
      expect(Math.max(...batches)).to.be.greaterThan(1);
    });
  });
});
