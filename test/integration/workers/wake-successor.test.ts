import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { QUEUE_NAMES } from '../../../shared/infra/queues/queue-names.js';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../../shared/infra/process/connections.js';
import { KeyHeads } from '../../../shared/infra/queues/key-heads.js';
import { orderJobId, type PersistOrderJob } from '../../../shared/domain/writes/order-jobs.js';
import { createQueue } from '../../../shared/domain/resources/resource-queues.js';
import type { ShardedQueue } from '../../../shared/infra/queues/sharded-queue.js';
import { wakeSuccessor } from '../../../workers/persist/wake-successor.js';
import { testConfig } from '../../support/test-config.js';

/**
 * Spec §9: a write whose predecessor has not landed waits in the delayed set.
 * Once the predecessor lands and the key's head says later writes are queued,
 * the next version's job is woken at once instead of at the end of its wait.
 */
describe('waking the next write of a key (spec §9)', () => {
  const config = testConfig();
  let connections: Connections;
  let orders: ShardedQueue<PersistOrderJob>;
  let heads: KeyHeads;

  before(async () => {
    connections = await openConnections(config);
    orders = createQueue(
      config,
      connections.queueRedis,
      QUEUE_NAMES.persistOrders,
    ) as ShardedQueue<PersistOrderJob>;
    heads = new KeyHeads(connections.queueRedis, {
      prefix: config.queue.prefix,
      settledTtlMs: 60_000,
    });
  });
  after(async () => {
    await orders.close();
    await closeConnections(connections);
  });

  /** An order id of this run (24 hex digits, like an ObjectId). */
  const orderId = () => randomUUID().replace(/-/g, '').slice(0, 24);

  /** Adds version `version` of order `id` as a job delayed by a minute: a write that waits. */
  async function waitingJob(id: string, version: number) {
    const data = { order: { id, version } } as unknown as PersistOrderJob;
    return orders.add('order', data, { jobId: orderJobId(id, version), delay: 60_000 });
  }

  it('the head answers its version when a worker settles an older one: later writes are queued', async () => {
    const id = orderId();
    const at = { shard: orders.shardFor(id).name, key: id };
    await heads.start(at, { id, version: 1 });
    expect(await heads.settle(at, 1)).to.equal(1);
    await heads.advance(
      at,
      async () => null,
      (current) => ({ id, version: (current?.version ?? 0) + 1 }),
    );
    await heads.advance(
      at,
      async () => null,
      (current) => ({ id, version: (current?.version ?? 0) + 1 }),
    );
    expect(await heads.settle(at, 2)).to.equal(3);
  });

  it('moves the next version’s delayed job to the waiting list', async () => {
    const id = orderId();
    const job = await waitingJob(id, 2);
    expect(await job.getState()).to.equal('delayed');
    await wakeSuccessor(orders, id, orderJobId(id, 2));
    expect(await orders.getJobState(orderJobId(id, 2), id)).to.equal('waiting');
    await job.remove();
  });

  it('leaves a job that is not delayed as it is, and an absent one is no error', async () => {
    const id = orderId();
    const data = { order: { id, version: 2 } } as unknown as PersistOrderJob;
    const job = await orders.add('order', data, { jobId: orderJobId(id, 2) });
    await wakeSuccessor(orders, id, orderJobId(id, 2));
    expect(await job.getState()).to.equal('waiting');
    await wakeSuccessor(orders, id, orderJobId(id, 3));
    await job.remove();
  });
});
