import { expect } from 'chai';
import { Types } from 'mongoose';
import type { RowDataPacket } from 'mysql2/promise';
import { closeQueues } from '../../shared/infra/queues/queues.js';
import {
  createQueues,
  type SpillwayQueues,
} from '../../shared/domain/resources/resource-queues.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { unfinishedJobs } from '../support/queue-jobs.js';

/** Forty keys written at once, as in the report that found the defect. */
const KEYS = 40;

/** Eight changes per key, each to one field, every value new. */
const ORDER_CHANGES = (k: number) => [
  { total_price: 3 + k },
  { model: `m2-${k}` },
  { status: 'confirmed' },
  { vehicle_manufacturer: `v4-${k}` },
  { total_price: 7 + k },
  { model: `m6-${k}` },
  { status: 'delivered' },
  { vehicle_manufacturer: `v8-${k}` },
];

const CUSTOMER_CHANGES = (k: number) => [
  { address: `a1-${k}` },
  { name: `n2-${k}` },
  { income: '3.00' },
  { phone: `4-${k}` },
  { address: `a5-${k}` },
  { email: `e6-${k}@example.com` },
  { income: 7 },
  { name: `n8-${k}` },
];

/** What fields folding the changes in order gives (income as the store writes it). */
function fold(start: Record<string, unknown>, changes: readonly Record<string, unknown>[]) {
  const folded = { ...start };
  for (const change of changes) Object.assign(folded, change);
  if (typeof folded.income === 'number') folded.income = folded.income.toFixed(2);
  return folded;
}

interface EventRow extends RowDataPacket {
  version: number;
  type: string;
  before_row: unknown;
  after_row: unknown;
}

/**
 * §9: writes to one key are applied in the order they were acknowledged, and
 * the answers, the stored state and the change events agree on that order.
 */
describe('write order per key (spec §9): updates and deletes land once, in order', function () {
  this.timeout(120_000);
  let pipeline: Pipeline;
  let queues: SpillwayQueues;
  let counter = 0;
  const unique = (stem: string) => `${stem}-${Date.now().toString(36)}-${(counter += 1)}`;

  before(async () => {
    pipeline = await startPipeline();
    queues = createQueues(pipeline.config, pipeline.connections.queueRedis);
  });
  after(async () => {
    await closeQueues(queues);
    await pipeline.stop();
  });

  async function drained(): Promise<void> {
    await eventually(
      async () =>
        (await unfinishedJobs([
          ...queues.persistOrders.shards,
          ...queues.persistCustomers.shards,
          ...queues.replicate.shards,
        ])) === 0
          ? true
          : undefined,
      { timeoutMs: 60_000, what: 'the write queues to drain' },
    );
  }

  const mongoOrder = (id: string) =>
    pipeline.connections.mongo
      .db!.collection('orders')
      .findOne({ _id: new Types.ObjectId(id) }) as Promise<Record<string, unknown> | null>;

  async function customerRow(uuid: string): Promise<Record<string, unknown>> {
    const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
      'SELECT address, income, name, email, phone, version, deleted FROM customers WHERE uuid = ?',
      [uuid],
    );
    return { ...rows[0], deleted: rows[0]?.deleted === 1 };
  }

  async function events(uuid: string): Promise<EventRow[]> {
    const [rows] = await pipeline.connections.mysql.query<EventRow[]>(
      'SELECT version, type, before_row, after_row FROM customer_events WHERE customer_uuid = ? ORDER BY version',
      [uuid],
    );
    return rows;
  }

  /** Sends `changes` one after another, each once the one before was answered. */
  async function patchInSequence(url: string, changes: readonly object[]) {
    const answers = [];
    for (const change of changes) {
      const answer = await http('PATCH', url, { json: change });
      expect(answer.status, answer.text).to.equal(202);
      answers.push(answer);
    }
    return answers;
  }

  it('orders: eight sequential PATCHes of different fields, forty orders at once, all land in order', async () => {
    const finals = await Promise.all(
      Array.from({ length: KEYS }, async (_, k) => {
        const placed = await http('POST', `${pipeline.urls.orders}/orders`, {
          json: { vehicle_manufacturer: 'Vauxhall', model: 'Vectra', total_price: 1 },
        });
        expect(placed.status).to.equal(202);
        const order = placed.body.order;
        const answers = await patchInSequence(
          `${pipeline.urls.orders}/orders/${order.id}`,
          ORDER_CHANGES(k),
        );
        expect(answers.map((a) => a.body.order.version)).to.deep.equal([2, 3, 4, 5, 6, 7, 8, 9]);
        const last = answers.at(-1)!.body.order;
        const { vehicle_manufacturer, model, total_price, status } = order;
        const start = { vehicle_manufacturer, model, total_price, status };
        expect(last).to.include(fold(start, ORDER_CHANGES(k)));
        return last as { id: string };
      }),
    );
    await drained();
    for (const last of finals) {
      const { _id, deleted, ...doc } = (await mongoOrder(last.id))!;
      expect({ id: (_id as Types.ObjectId).toHexString(), ...doc }).to.deep.equal(last);
      expect(deleted).to.equal(false);
    }
  });

  it('customers: eight sequential PATCHes of different fields, forty customers at once, all land in order with one event each', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: KEYS }, async (_, k) => {
        const created = await http('POST', `${pipeline.urls.customers}/customers`, {
          json: { username: unique('seq'), address: 'a0', income: '1.00' },
        });
        expect(created.status).to.equal(202);
        const customer = created.body.customer;
        const answers = await patchInSequence(
          `${pipeline.urls.customers}/customers/${customer.uuid}`,
          CUSTOMER_CHANGES(k),
        );
        expect(answers.map((a) => a.body.customer.version)).to.deep.equal([2, 3, 4, 5, 6, 7, 8, 9]);
        return { customer, answers: answers.map((a) => a.body.customer), k };
      }),
    );
    await drained();
    for (const { customer, answers, k } of outcomes) {
      const row = await customerRow(customer.uuid);
      expect(row).to.deep.equal({
        ...fold(
          { address: 'a0', income: '1.00', name: null, email: null, phone: null },
          CUSTOMER_CHANGES(k),
        ),
        version: 9,
        deleted: false,
      });
      // One event per acknowledged change, versions 1..9, each the answer it was acknowledged with.
      const log = await events(customer.uuid);
      expect(log.map((e) => e.version)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(log.map((e) => e.after_row)).to.deep.equal([customer, ...answers]);
    }
  });

  it('two writers on one customer, four PATCHes each in sequence: answers, row and events agree on one order', async () => {
    const keys = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const created = await http('POST', `${pipeline.urls.customers}/customers`, {
          json: { username: unique('two'), address: 'start', income: '1.00' },
        });
        return created.body.customer as { uuid: string };
      }),
    );
    const written = await Promise.all(
      keys.map(async ({ uuid }) => {
        const url = `${pipeline.urls.customers}/customers/${uuid}`;
        const writers = await Promise.all(
          ['w1', 'w2'].map((writer) =>
            patchInSequence(
              url,
              [1, 2, 3, 4].map((i) => ({ address: `${writer}-${i}` })),
            ),
          ),
        );
        return { uuid, writers: writers.map((answers) => answers.map((a) => a.body.customer)) };
      }),
    );
    await drained();
    for (const { uuid, writers } of written) {
      const versions = writers.flat().map((c) => c.version as number);
      // Eight writes, eight versions 2..9: no two answers claim the same one.
      expect([...versions].sort((a, b) => a - b)).to.deep.equal([2, 3, 4, 5, 6, 7, 8, 9]);
      for (const answers of writers) {
        const mine = answers.map((c) => c.version as number);
        expect(mine, 'a writer’s versions rise with its writes').to.deep.equal(
          [...mine].sort((a, b) => a - b),
        );
      }
      const log = await events(uuid);
      expect(log.map((e) => e.version)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      for (const answer of writers.flat()) {
        expect(log[answer.version - 1]!.after_row, `v${answer.version}`).to.deep.equal(answer);
      }
      for (let v = 1; v < log.length; v += 1) {
        expect(log[v]!.before_row, `v${v + 1} before`).to.deep.equal(log[v - 1]!.after_row);
      }
      const newest = writers.flat().find((c) => c.version === 9)!;
      expect(await customerRow(uuid)).to.include({ address: newest.address, version: 9 });
    }
  });

  it('two concurrent PATCHes of one order: distinct versions, and the store holds the later one', async () => {
    const placed = await http('POST', `${pipeline.urls.orders}/orders`, {
      json: { vehicle_manufacturer: 'Vauxhall', model: 'Vectra', total_price: 1 },
    });
    const url = `${pipeline.urls.orders}/orders/${placed.body.order.id}`;
    const [a, b] = await Promise.all([
      http('PATCH', url, { json: { model: 'a' } }),
      http('PATCH', url, { json: { total_price: 2 } }),
    ]);
    const answers = [a.body.order, b.body.order].sort((x, y) => x.version - y.version);
    expect(answers.map((o) => o.version)).to.deep.equal([2, 3]);
    // The later answer holds the earlier change too: it is the fold, not a guess.
    expect(answers[1]).to.include({ model: 'a', total_price: 2 });
    await drained();
    const { _id, deleted, ...doc } = (await mongoOrder(answers[1].id))!;
    expect({ id: (_id as Types.ObjectId).toHexString(), ...doc }).to.deep.equal(answers[1]);
    expect(deleted).to.equal(false);
  });

  it('a PATCH, then a DELETE, then a PATCH of one customer: the delete wins, its event follows the change, and the last PATCH is 404', async () => {
    const created = await http('POST', `${pipeline.urls.customers}/customers`, {
      json: { username: unique('del'), address: 'x', income: '1.00' },
    });
    const url = `${pipeline.urls.customers}/customers/${created.body.customer.uuid}`;
    expect((await http('PATCH', url, { json: { address: 'y' } })).status).to.equal(202);
    const deleted = await http('DELETE', url);
    expect(deleted.body.customer).to.include({ address: 'y', deleted: true, version: 3 });
    expect((await http('PATCH', url, { json: { address: 'z' } })).status).to.equal(404);
    await drained();
    const log = await events(created.body.customer.uuid);
    expect(log.map((e) => e.type)).to.deep.equal(['insert', 'update', 'delete']);
    expect(await customerRow(created.body.customer.uuid)).to.include({
      address: 'y',
      deleted: true,
      version: 3,
    });
  });
});
