import { expect } from 'chai';
import { purgeOrders, PURGE_LOCK_NAME, type OrderPurgeDeps } from '../../../cron/purge-orders.js';
import { ReadThroughCache } from '../../../shared/infra/cache/read-through-cache.js';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../../shared/infra/process/connections.js';
import { RedisLock } from '../../../shared/infra/locks/redis-lock.js';
import { lockKey } from '../../../shared/infra/redis/redis-keys.js';
import { OrderRepository } from '../../../shared/domain/repositories/order.repository.js';
import { resetStores } from '../../support/stores.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { testConfig } from '../../support/test-config.js';
import { insertAgedOrders, ORDER_AGE } from '../../support/aged-orders.js';

describe('purgeOrders in batches (issue 15: purging at scale)', () => {
  const config = testConfig();
  const lockName = lockKey(config.queue.prefix, PURGE_LOCK_NAME);
  let connections: Connections;
  let orders: OrderRepository;
  let cache: ReadThroughCache;
  let logLines: Record<string, unknown>[];
  let deps: OrderPurgeDeps;

  const countOrders = () => connections.mongo.db!.collection('orders').countDocuments();

  before(async () => {
    connections = await openConnections(config);
    orders = new OrderRepository(connections.mongo);
    cache = new ReadThroughCache(connections.cacheRedis, config.cache);
  });
  beforeEach(async () => {
    await resetStores(connections);
    const captured = capturedLogger();
    logLines = captured.lines;
    deps = {
      orders,
      cache,
      lock: new RedisLock(connections.queueRedis, config.queue.prefix),
      logger: captured.logger,
      retentionHours: 72,
      batchSize: 10,
    };
  });
  // resetStores' one deleteMany would meet the same FerretDB limit a failed test leaves behind.
  afterEach(async () => {
    await connections.mongo.db!.collection('orders').drop();
    await orders.ensureIndexes();
  });
  after(() => closeConnections(connections));

  it('removes 40,000 expired orders, more than FerretDB deletes at once, and keeps the fresh ones', async function () {
    this.timeout(120_000);
    await insertAgedOrders(connections, ORDER_AGE.expired, 40_000);
    const fresh = await insertAgedOrders(connections, ORDER_AGE.fresh, 50);
    const batches: number[] = [];
    const outcome = await purgeOrders({
      ...deps,
      batchSize: config.orders.purgeBatchSize,
      onPurged: (removed) => batches.push(removed),
    });
    expect(outcome).to.include({ ran: true, removed: 40_000 });
    expect(batches).to.deep.equal([10_000, 10_000, 10_000, 10_000]);
    expect(await countOrders()).to.equal(50);
    for (const id of fresh) expect(await orders.findById(id), id).to.not.equal(null);
    const progress = logLines.filter((l) => typeof l.removedSoFar === 'number');
    expect(progress.map((l) => l.removedSoFar)).to.deep.equal([10_000, 20_000, 30_000, 40_000]);
    expect(progress[1]).to.include({
      batch: 2,
      msg: 'orders purge: batch 2, 20000 removed so far',
    });
  });

  it('stops after whole batches when it dies mid-purge, and the next run finishes the job', async () => {
    const expired = await insertAgedOrders(connections, ORDER_AGE.expired, 25);
    await insertAgedOrders(connections, ORDER_AGE.fresh, 3);
    const first = expired.at(-1); // the oldest: in the first batch
    await cache.read('orders', ['id', first!], () => orders.findById(first!));
    let batches = 0;
    const dying: OrderPurgeDeps = {
      ...deps,
      onPurged: () => {
        batches += 1;
        if (batches === 2) throw new Error('killed after 2 batches');
      },
    };
    let failure: unknown;
    await purgeOrders(dying).catch((error: unknown) => (failure = error));
    expect((failure as Error).message).to.equal('killed after 2 batches');
    expect(await countOrders()).to.equal(3 + 5);
    const cached = await cache.read('orders', ['id', first!], () => orders.findById(first!));
    expect(cached).to.deep.include({ value: null, hit: false });
    expect(await connections.queueRedis.exists(lockName)).to.equal(0);
    expect(await purgeOrders(deps)).to.include({ ran: true, removed: 5 });
    expect(await countOrders()).to.equal(3);
  });

  it('renews its lock after every batch, so a long purge keeps it', async () => {
    await insertAgedOrders(connections, ORDER_AGE.expired, 20);
    const ttls: number[] = [];
    await purgeOrders({
      ...deps,
      onPurged: () => {
        // Read before this batch's renewal: the previous batch's renewal must show.
        void connections.queueRedis.pttl(lockName).then((ttl) => ttls.push(ttl));
        void connections.queueRedis.pexpire(lockName, 2_000);
      },
    });
    expect(ttls).to.have.length(2);
    expect(ttls[1]).to.be.greaterThan(2_000);
  });

  it('stops when its lock was lost, leaving the rest to the new holder', async () => {
    await insertAgedOrders(connections, ORDER_AGE.expired, 30);
    let failure: unknown;
    await purgeOrders({
      ...deps,
      onPurged: () => void connections.queueRedis.set(lockName, 'someone else'),
    }).catch((error: unknown) => (failure = error));
    expect((failure as Error).message).to.equal('order purge lost its lock after 10 removed');
    expect(await countOrders()).to.equal(20);
    expect(await connections.queueRedis.get(lockName)).to.equal('someone else');
  });
});
