import { expect } from 'chai';
import type { CommandStartedEvent } from 'mongodb';
import { newObjectId } from '../../../shared/object-id.js';
import {
  openMongo,
  type MongoConnection,
} from '../../../shared/repositories/mongo-connection.repository.js';
import {
  OrderRepository,
  type StoredOrder,
} from '../../../shared/repositories/order.repository.js';
import type { Order } from '../../../shared/schemas/order.schema.js';
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
  /** What a job carries: the whole order at a version (key-heads.ts folds the writes). */
  const create = (order: Order): StoredOrder => ({ ...order, deleted: false });
  const update = (order: Order, version: number, model: string): StoredOrder => ({
    ...order,
    model,
    version,
    updated_at: 1_000 + version,
    deleted: false,
  });
  const remove = (order: Order, version: number): StoredOrder => ({
    ...order,
    version,
    updated_at: 1_000 + version,
    deleted: true,
  });
  const stored = (id: string) => orders.findState(id);

  it('sends every write, the purge included, with writeConcern w: majority, j: true, wtimeout 10 s (seen on the wire)', async () => {
    const order = anOrder();
    await orders.applyWrites([create(order)]);
    await orders.applyWrites([update(order, 2, 'Astra')]);
    await orders.applyWrites([remove(order, 3)]);
    await orders.deleteCreatedBefore(2_000);
    expect(writes.map((w) => w.commandName)).to.deep.equal([
      'update',
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

  it('writes a batch of many orders in one bulk command, and reads them back', async () => {
    const batch = Array.from({ length: 5 }, (_, i) => anOrder({ created_at: 1_000 + i }));
    await orders.applyWrites(batch.map(create));
    expect(writes).to.have.length(1);
    for (const order of batch) expect(await orders.findById(order.id)).to.deep.equal(order);
  });

  it('keeps one document when a create is applied twice', async () => {
    const order = anOrder();
    await orders.applyWrites([create(order)]);
    await orders.applyWrites([create({ ...order, model: 'changed' })]);
    expect(await connection.db!.collection('orders').countDocuments()).to.equal(1);
    expect((await orders.findById(order.id))?.model).to.equal('Vectra');
  });

  it('lets a later version win: an older or replayed write changes nothing', async () => {
    const order = anOrder();
    await orders.applyWrites([create(order), update(order, 3, 'newest')]);
    await orders.applyWrites([update(order, 2, 'older')]);
    await orders.applyWrites([update(order, 3, 'newest')]);
    expect(await stored(order.id)).to.deep.equal(update(order, 3, 'newest'));
  });

  it('ends at the highest version whatever order a batch holds, the create last included', async () => {
    const order = anOrder();
    await orders.applyWrites([update(order, 3, 'v3'), update(order, 2, 'v2'), create(order)]);
    expect(await stored(order.id)).to.deep.equal(update(order, 3, 'v3'));
    expect(await connection.db!.collection('orders').countDocuments()).to.equal(1);
  });

  it('stores a later write that arrives before its create (the create then changes nothing)', async () => {
    const order = anOrder();
    await orders.applyWrites([update(order, 2, 'early')]);
    await orders.applyWrites([create(order)]);
    expect(await stored(order.id)).to.deep.equal(update(order, 2, 'early'));
  });

  it('deletes as a tombstone: reads miss it, and no replayed create or update revives it', async () => {
    const order = anOrder();
    await orders.applyWrites([create(order)]);
    await orders.applyWrites([remove(order, 3)]);
    expect(await orders.findById(order.id)).to.equal(null);
    expect(await orders.listPage({ page_num: 1, page_size: 10 })).to.deep.equal([]);
    await orders.applyWrites([create(order), update(order, 2, 'zombie')]);
    expect(await orders.findById(order.id)).to.equal(null);
    expect(await stored(order.id)).to.deep.equal(remove(order, 3));
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
    await orders.applyWrites([remove(old[0]!, 2)]);
    expect(await orders.deleteCreatedBefore(200)).to.equal(2);
    expect(await connection.db!.collection('orders').countDocuments()).to.equal(2);
    for (const order of young) expect(await orders.findById(order.id)).to.not.equal(null);
  });
});
