import { expect } from 'chai';
import type { CommandStartedEvent } from 'mongodb';
import { newObjectId } from '../../../shared/domain/ids/object-id.js';
import {
  openMongo,
  type MongoConnection,
} from '../../../shared/infra/databases/mongo-connection.js';
import {
  OrderRepository,
  type StoredOrder,
} from '../../../shared/domain/repositories/order.repository.js';
import type { VersionedWrite } from '../../../shared/infra/queues/key-heads.js';
import type { Order } from '../../../shared/domain/schemas/order.schema.js';
import { testConfig } from '../../support/test-config.js';

describe('OrderRepository on FerretDB (the orders collection)', () => {
  let connection: MongoConnection;
  let orders: OrderRepository;
  const writes: CommandStartedEvent[] = [];

  before(async () => {
    connection = await openMongo(testConfig().mongo.url, { monitorCommands: true });
    connection.getClient().on('commandStarted', (event: CommandStartedEvent) => {
      if (['update', 'insert', 'delete'].includes(event.commandName)) writes.push(event);
    });
    orders = new OrderRepository(connection);
  });
  beforeEach(async () => {
    await connection.db!.collection('orders').deleteMany({});
    writes.length = 0;
  });
  after(() => connection.close());

  const anOrder = (overrides: Partial<Order> = {}): Order => ({
    id: newObjectId(),
    vehicle_manufacturer: 'Vauxhall',
    model: 'Vectra',
    total_price: 5456,
    status: 'new',
    created_at: 1_000,
    updated_at: 1_000,
    version: 1,
    ...overrides,
  });
  /** What a job carries: the order at its version and just before (key-heads.ts folds the writes). */
  type Write = VersionedWrite<StoredOrder>;
  const create = (order: Order): Write => ({ before: null, after: { ...order, deleted: false } });
  const update = (previous: Write, model: string): Write => ({
    before: previous.after,
    after: {
      ...previous.after,
      model,
      version: previous.after.version + 1,
      updated_at: previous.after.updated_at + 1,
    },
  });
  const remove = (previous: Write): Write => ({
    before: previous.after,
    after: {
      ...previous.after,
      deleted: true,
      version: previous.after.version + 1,
      updated_at: previous.after.updated_at + 1,
    },
  });
  const stored = (id: string) => orders.findState(id);

  it('sends every write, the purge included, with writeConcern w: majority, j: true, wtimeout 10 s (seen on the wire)', async () => {
    const v1 = create(anOrder());
    const v2 = update(v1, 'Astra');
    await orders.applyWrites([v1]);
    await orders.applyWrites([v2]);
    await orders.applyWrites([remove(v2)]);
    await orders.deleteCreatedBefore(2_000);
    expect(writes.map((w) => w.commandName)).to.deep.equal([
      'insert',
      'update',
      'update',
      'delete',
    ]);
    for (const event of writes) {
      expect(event.command.writeConcern, event.commandName).to.deep.include({
        w: 'majority',
        j: true,
      });
    }
  });

  it('writes a batch of new orders in one insert, and reads them back', async () => {
    const batch = Array.from({ length: 5 }, (_, i) => anOrder({ created_at: 1_000 + i }));
    const outcomes = await orders.applyWrites(batch.map(create));
    expect(outcomes).to.deep.equal(batch.map(() => ({ applied: true })));
    expect(writes).to.have.length(1);
    for (const order of batch) expect(await orders.findById(order.id)).to.deep.equal(order);
  });

  it('keeps one document when a create is applied twice, in a batch with a new one', async () => {
    const v1 = create(anOrder());
    await orders.applyWrites([v1]);
    const fresh = create(anOrder({ model: 'fresh' }));
    const outcomes = await orders.applyWrites([create({ ...v1.after, model: 'changed' }), fresh]);
    expect(outcomes).to.deep.equal([{ applied: true }, { applied: true }]);
    expect(await connection.db!.collection('orders').countDocuments()).to.equal(2);
    expect(await stored(v1.after.id)).to.deep.equal(v1.after);
    expect(await stored(fresh.after.id)).to.deep.equal(fresh.after);
  });

  it('applies each version once: a replayed or older write changes nothing', async () => {
    const v1 = create(anOrder());
    const v2 = update(v1, 'v2');
    const v3 = update(v2, 'v3');
    await orders.applyWrites([v1, v2, v3]);
    expect(await orders.applyWrites([v2, v3])).to.deep.equal([
      { applied: true },
      { applied: true },
    ]);
    expect(await stored(v1.after.id)).to.deep.equal(v3.after);
  });

  it('lands a batch in version order, whatever order its writes came in', async () => {
    const v1 = create(anOrder());
    const v2 = update(v1, 'v2');
    const v3 = update(v2, 'v3');
    const outcomes = await orders.applyWrites([v3, v2, v1]);
    // v3 may find the store at v1 and bring v2 (its `before`) itself, or find v2 already there.
    expect(outcomes).to.deep.equal([{ applied: true }, { applied: true }, { applied: true }]);
    expect(await stored(v1.after.id)).to.deep.equal(v3.after);
  });

  it('lets a write more than one version ahead wait, and a write one ahead bring its `before`', async () => {
    const v1 = create(anOrder());
    const v2 = update(v1, 'v2');
    const v3 = update(v2, 'v3');
    const v4 = update(v3, 'v4');
    await orders.applyWrites([v1]);
    expect(await orders.applyWrites([v4])).to.deep.equal([{ applied: false, storedVersion: 1 }]);
    expect(await stored(v1.after.id)).to.deep.equal(v1.after);
    expect(await orders.applyWrites([v3])).to.deep.equal([{ applied: true }]);
    expect(await stored(v1.after.id)).to.deep.equal(v3.after);
    expect(await orders.applyWrites([v4])).to.deep.equal([{ applied: true }]);
    expect(await stored(v1.after.id)).to.deep.equal(v4.after);
  });

  it('never lets two concurrent batches of one order lose a version (each update matches only the version before it)', async () => {
    const chains = Array.from({ length: 20 }, () => {
      const v1 = create(anOrder());
      const v2 = update(v1, 'v2');
      const v3 = update(v2, 'v3');
      const v4 = update(v3, 'v4');
      return [v1, v2, v3, v4];
    });
    // Every version of every order in a batch of its own, all at once.
    const settled = await Promise.all(chains.flat().map((w) => orders.applyWrites([w])));
    const waiting = chains.flat().filter((_, i) => settled[i]![0]!.applied === false);
    // What waited is retried, as the worker does, until every version landed.
    for (let round = 0; round < 5 && waiting.length > 0; round += 1) {
      const again = await orders.applyWrites(waiting);
      waiting.splice(0, waiting.length, ...waiting.filter((_, i) => again[i]!.applied === false));
    }
    expect(waiting).to.deep.equal([]);
    for (const chain of chains) {
      expect(await stored(chain[0]!.after.id)).to.deep.equal(chain[3]!.after);
    }
  });

  it('deletes as a tombstone: reads miss it, and no replayed create or update revives it', async () => {
    const v1 = create(anOrder());
    const v2 = update(v1, 'v2');
    const v3 = remove(v2);
    await orders.applyWrites([v1, v2, v3]);
    expect(await orders.findById(v1.after.id)).to.equal(null);
    expect(await orders.listPage({ page_num: 1, page_size: 10 })).to.deep.equal([]);
    await orders.applyWrites([v1, v2]);
    expect(await orders.findById(v1.after.id)).to.equal(null);
    expect(await stored(v1.after.id)).to.deep.equal(v3.after);
  });

  it('lists live orders newest first, ties broken by id (newest first)', async () => {
    const [a, b, c] = [
      anOrder({ created_at: 10 }),
      anOrder({ created_at: 30 }),
      anOrder({ created_at: 30 }),
    ];
    await orders.applyWrites([a, b, c].map(create));
    const page = await orders.listPage({ page_num: 1, page_size: 10 });
    expect(page.map((o) => o.id)).to.deep.equal([c.id, b.id, a.id]);
    expect(await orders.listPage({ page_num: 2, page_size: 2 })).to.deep.equal([a]);
  });

  it('deletes exactly the orders (and tombstones) created before the cutoff, and counts them', async () => {
    const old = [anOrder({ created_at: 100 }), anOrder({ created_at: 199 })];
    const young = [anOrder({ created_at: 200 }), anOrder({ created_at: 300 })];
    await orders.applyWrites([...old, ...young].map(create));
    await orders.applyWrites([remove(create(old[0]!))]);
    expect(await orders.deleteCreatedBefore(200)).to.equal(2);
    expect(await connection.db!.collection('orders').countDocuments()).to.equal(2);
    for (const order of young) expect(await orders.findById(order.id)).to.not.equal(null);
  });
});
