import { expect } from 'chai';
import { Redis } from 'ioredis';
import { purgeOrders, PURGE_LOCK_NAME, type OrderPurgeDeps } from '../../../cron/purge-orders.js';
import { ReadThroughCache } from '../../../shared/infra/cache/read-through-cache.js';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../../shared/infra/process/connections.js';
import { RedisLock } from '../../../shared/infra/locks/redis-lock.js';
import { newObjectId } from '../../../shared/domain/ids/object-id.js';
import { OrderRepository } from '../../../shared/domain/repositories/order.repository.js';
import type { Order } from '../../../shared/domain/schemas/order.schema.js';
import { resetStores } from '../../support/stores.js';
import { eventually } from '../../support/eventually.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { freePort } from '../../support/processes.js';
import { testConfig } from '../../support/test-config.js';

const MINUTE_MICROS = 60_000_000;
const HOURS_72_MICROS = 72 * 60 * MINUTE_MICROS;

describe('purgeOrders (spec §2.5: orders are kept 3 days, then purged)', () => {
  const config = testConfig();
  let connections: Connections;
  let orders: OrderRepository;
  let cache: ReadThroughCache;
  let logLines: Record<string, unknown>[];
  let deps: OrderPurgeDeps;

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
      batchSize: 10_000,
    };
  });
  after(() => closeConnections(connections));

  /** Orders placed `ageMicros` ago, written through the repository as the worker would. */
  async function ordersAged(ageMicros: number, count: number): Promise<Order[]> {
    const createdAt = Date.now() * 1000 - ageMicros;
    const placed = Array.from({ length: count }, (_, i) => ({
      id: newObjectId(),
      vehicle_manufacturer: 'Vauxhall',
      model: `aged-${i}`,
      total_price: 100,
      status: 'new' as const,
      created_at: createdAt,
      updated_at: createdAt,
      version: 1,
    }));
    await orders.applyWrites(
      placed.map((order) => ({ before: null, after: { ...order, deleted: false } })),
    );
    return placed;
  }

  const readThroughCache = (id: string) =>
    cache.read('orders', ['id', id], () => orders.findById(id));

  it('deletes orders created 3 days + 1 minute ago and keeps those created 3 days − 1 minute ago', async () => {
    const old = await ordersAged(HOURS_72_MICROS + MINUTE_MICROS, 3);
    const young = await ordersAged(HOURS_72_MICROS - MINUTE_MICROS, 2);
    const outcome = await purgeOrders(deps);
    expect(outcome).to.include({ ran: true, removed: 3 });
    for (const order of old) expect(await orders.findById(order.id), order.model).to.equal(null);
    for (const order of young) expect(await orders.findById(order.id)).to.not.equal(null);
  });

  it('evicts purged orders from the cache', async () => {
    const [old] = await ordersAged(HOURS_72_MICROS + MINUTE_MICROS, 1);
    await readThroughCache(old!.id);
    expect((await readThroughCache(old!.id)).hit).to.equal(true);
    await purgeOrders(deps);
    const after = await readThroughCache(old!.id);
    expect(after).to.deep.include({ value: null, hit: false });
  });

  it('logs how many orders it removed', async () => {
    await ordersAged(HOURS_72_MICROS + MINUTE_MICROS, 2);
    await purgeOrders(deps);
    const line = logLines.find((l) => typeof l.removed === 'number');
    expect(line).to.include({ removed: 2, retentionHours: 72, msg: 'orders purged: 2 removed' });
  });

  it('honours a configured retention', async () => {
    await ordersAged(2 * 60 * MINUTE_MICROS, 1);
    expect(await purgeOrders(deps)).to.include({ removed: 0 });
    expect(await purgeOrders({ ...deps, retentionHours: 1 })).to.include({ removed: 1 });
  });

  it('deletes once when two runs start at the same moment: one purges, the other skips', async () => {
    await ordersAged(HOURS_72_MICROS + MINUTE_MICROS, 4);
    const outcomes = await Promise.all([purgeOrders(deps), purgeOrders(deps)]);
    expect(outcomes.reduce((sum, o) => sum + o.removed, 0)).to.equal(4);
    expect(outcomes.filter((o) => o.ran)).to.have.length(1);
    expect(outcomes.filter((o) => !o.ran)).to.deep.equal([
      { ran: false, removed: 0, reason: 'lock held' },
    ]);
    expect(logLines.map((l) => l.msg)).to.include(
      'order purge skipped: another purge holds the lock',
    );
  });

  it('tells how each run ended: completed, or skipped when another purge holds the lock', async () => {
    const runs: string[] = [];
    const reporting = { ...deps, onRun: (outcome: string) => runs.push(outcome) };
    await Promise.all([purgeOrders(reporting), purgeOrders(reporting)]);
    expect(runs.sort()).to.deep.equal(['completed', 'skipped']);
  });

  it('frees the lock after a run, so the next run works', async () => {
    await purgeOrders(deps);
    const key = `${config.queue.prefix}:locks:${PURGE_LOCK_NAME}`;
    expect(await connections.queueRedis.exists(key)).to.equal(0);
    expect(await purgeOrders(deps)).to.include({ ran: true });
  });

  it('keeps the lock for holdMs after a scheduled run, so a late replica skips that tick', async () => {
    const key = `${config.queue.prefix}:locks:${PURGE_LOCK_NAME}`;
    // Long enough that no stall of this test outlasts it: the late replica skips.
    await purgeOrders(deps, { holdMs: 60_000 });
    expect(await purgeOrders(deps)).to.include({ ran: false });
    expect(await connections.queueRedis.pttl(key)).to.be.within(1, 60_000);
    await connections.queueRedis.del(key);
    // A short hold, waited out on Redis's own expiry (observed), then the next run works.
    await purgeOrders(deps, { holdMs: 100 });
    expect(await connections.queueRedis.pttl(key)).to.be.at.most(100);
    await eventually(
      async () => ((await connections.queueRedis.exists(key)) === 0 ? true : undefined),
      {
        what: 'the held lock to expire',
      },
    );
    expect(await purgeOrders(deps)).to.include({ ran: true });
  });

  it('frees the lock even when the purge fails', async () => {
    const failing: OrderPurgeDeps = {
      ...deps,
      orders: {
        // eslint-disable-next-line require-yield -- a delete that fails before its first batch
        deleteCreatedBeforeInBatches: async function* () {
          throw new Error('mongo down');
        },
      },
    };
    const runs: string[] = [];
    let failure: unknown;
    await purgeOrders({ ...failing, onRun: (outcome) => runs.push(outcome) }).catch(
      (error: unknown) => (failure = error),
    );
    expect((failure as Error).message).to.equal('mongo down');
    expect(runs).to.deep.equal(['failed']);
    expect(await purgeOrders(deps)).to.include({ ran: true });
  });

  it('tells of a run that cannot take its lock (the queue Redis is down) as failed', async () => {
    const unreachable = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    unreachable.on('error', () => {}); // expected: nothing listens there
    const runs: string[] = [];
    let failure: unknown;
    await purgeOrders({
      ...deps,
      lock: new RedisLock(unreachable, config.queue.prefix),
      onRun: (outcome) => runs.push(outcome),
    }).catch((error: unknown) => (failure = error));
    unreachable.disconnect();
    expect(failure).to.be.instanceOf(Error);
    expect(runs).to.deep.equal(['failed']);
  });
});
