import { expect } from 'chai';
import { Types } from 'mongoose';
import { pino } from 'pino';
import { purgeOrders } from '../../cron/purge-orders.js';
import { ReadThroughCache } from '../../shared/infra/cache/read-through-cache.js';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../shared/infra/process/connections.js';
import { RedisLock } from '../../shared/infra/locks/redis-lock.js';
import { OrderRepository } from '../../shared/domain/repositories/order.repository.js';
import { insertAgedOrders, ORDER_AGE } from '../support/aged-orders.js';
import { resetStores } from '../support/stores.js';
import { testConfig } from '../support/test-config.js';

/**
 * Issue 15's figure, kept out of the regular suites (npm run test:scale): on
 * FerretDB over SQLite every delete scans the whole collection, so 250,000
 * take minutes there; test/integration/cron covers the same path at 40,000.
 */
describe('purgeOrders at scale: 250,000 expired orders beside fresh ones', () => {
  const config = testConfig();
  let connections: Connections;

  before(async () => {
    connections = await openConnections(config);
    await resetStores(connections);
  });
  after(async () => {
    await connections.mongo.db!.collection('orders').drop();
    await new OrderRepository(connections.mongo).ensureIndexes();
    await closeConnections(connections);
  });

  it('removes every expired order and keeps every fresh one', async function () {
    this.timeout(600_000);
    const orders = new OrderRepository(connections.mongo);
    await insertAgedOrders(connections, ORDER_AGE.expired, 250_000);
    const fresh = await insertAgedOrders(connections, ORDER_AGE.fresh, 1_000);
    const outcome = await purgeOrders({
      orders,
      cache: new ReadThroughCache(connections.cacheRedis, config.cache),
      lock: new RedisLock(connections.queueRedis, config.queue.prefix),
      logger: pino({ level: 'silent' }),
      retentionHours: 72,
      batchSize: config.orders.purgeBatchSize,
    });
    expect(outcome).to.include({ ran: true, removed: 250_000 });
    const collection = connections.mongo.db!.collection('orders');
    expect(await collection.countDocuments()).to.equal(1_000);
    const kept = await collection.countDocuments({
      _id: { $in: fresh.map((id) => new Types.ObjectId(id)) },
    });
    expect(kept).to.equal(1_000);
  });
});
