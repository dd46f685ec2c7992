import type { ReadThroughCache } from '../../shared/infra/cache/read-through-cache.js';
import { nowMicros } from '../../shared/infra/process/clock.js';
import { NotFoundError } from '../../shared/domain/errors/index.js';
import { planWrite } from '../../shared/infra/idempotency/idempotent-attempt.js';
import type { KeyHeads } from '../../shared/infra/queues/key-heads.js';
import { enqueueKeyedWrite } from '../keyed-writes.js';
import {
  orderJobId,
  type OrderState,
  type PersistOrderJob,
} from '../../shared/domain/writes/order-jobs.js';
import { waitForJob } from '../../shared/infra/queues/wait-for-job.js';
import { newObjectId } from '../../shared/domain/ids/object-id.js';
import type { OrderRepository } from '../../shared/domain/repositories/order.repository.js';
import type { PageQuery } from '../../shared/domain/schemas/query.schema.js';
import type { Order, OrderCreate, OrderPatch } from '../../shared/domain/schemas/order.schema.js';
import { requireMatchingVersion } from '../preconditions.js';
import type { AcceptedWrite, CachedRead, WriteMeta } from '../write-results.js';
import type { ShardCompletions } from '../../shared/infra/queues/completion-listener.js';
import type { BulkItemOutcome, BulkMeta } from '../bulk-writes.js';
import type { ShardedQueue } from '../../shared/infra/queues/sharded-queue.js';

export interface OrderServiceDeps {
  readonly queue: ShardedQueue<PersistOrderJob>;
  readonly queueEvents: ShardCompletions;
  readonly cache: ReadThroughCache;
  readonly orders: OrderRepository;
  readonly heads: KeyHeads;
}

/** A new order: its ObjectId, `new` unless told otherwise, both timestamps now, version 1. */
function newOrder(input: OrderCreate, id: string, now: number): OrderState {
  return {
    id,
    vehicle_manufacturer: input.vehicle_manufacturer,
    model: input.model,
    total_price: input.total_price,
    status: input.status ?? 'new',
    created_at: now,
    updated_at: now,
    version: 1,
    deleted: false,
  };
}

/** The order as clients see it: without its tombstone flag. */
function visible({ deleted: _deleted, ...order }: OrderState): Order {
  return order;
}

/** The next state of an order that exists and is not deleted (else a 404), at the version If-Match names (else a 412). */
function changed(
  id: string,
  current: OrderState | null,
  change: () => Partial<OrderState>,
  meta: WriteMeta,
): OrderState {
  if (!current || current.deleted) throw new NotFoundError(`order ${id} not found`);
  requireMatchingVersion(meta, `order ${id}`, current.version);
  return { ...current, ...change(), version: current.version + 1 };
}

/** The orders' persist jobs (one per order and version) and key heads (§9, one order per key). */
function orderJobs(deps: OrderServiceDeps) {
  const headOf = (id: string) => ({ shard: deps.queue.shardFor(id).name, key: id });

  /** Enqueues a new order at version 1; the answer waits if the client asked to. */
  async function enqueue(job: PersistOrderJob, waitSeconds: number) {
    const added = await deps.queue.add(`order.${job.op}`, job, {
      jobId: orderJobId(job.order.id, job.order.version),
    });
    const persisted = await waitForJob(added, deps.queueEvents, waitSeconds);
    return { jobId: added.id ?? '', persisted };
  }

  /**
   * A change of an existing order through the one keyed-write path: folded
   * onto its head (with no head, the store, which then holds every accepted
   * write, is read, never the cache), then queued at its version. The answer
   * is the order as it reads once this write and every earlier one land.
   */
  async function change(
    id: string,
    op: 'update' | 'delete',
    fields: () => Partial<OrderState>,
    meta: WriteMeta,
  ): Promise<AcceptedWrite<Order>> {
    const { write, job, persisted } = await enqueueKeyedWrite<OrderState, PersistOrderJob>(
      deps,
      {
        key: id,
        load: () => deps.orders.findState(id),
        next: (current) => changed(id, current, fields, meta),
        job: ({ before, after }) => ({
          name: `order.${op}`,
          data: { requestId: meta.requestId, op, order: after, before },
          jobId: orderJobId(id, after.version),
        }),
      },
      meta,
    );
    return { resource: visible(write.after), jobId: job.id ?? '', persisted };
  }

  return { headOf, enqueue, change };
}

type OrderJobs = ReturnType<typeof orderJobs>;

/** Creating orders, one or a bulk chunk: a new ObjectId and key head each. */
function orderCreates(deps: OrderServiceDeps, jobs: OrderJobs) {
  return {
    async createOrder(input: OrderCreate, meta: WriteMeta): Promise<AcceptedWrite<Order>> {
      // Under a key, the ObjectId and clock are kept with it: a retry adds the same job id.
      const { id, at } = await planWrite(meta.idempotency, () => ({
        id: newObjectId(),
        at: nowMicros(),
      }));
      const order = newOrder(input, id, at);
      await deps.heads.start(jobs.headOf(id), order);
      const job: PersistOrderJob = { requestId: meta.requestId, op: 'create', order, before: null };
      return { resource: visible(order), ...(await jobs.enqueue(job, meta.waitSeconds)) };
    },

    /**
     * A chunk of bulk orders (§7): new ObjectIds and heads, every job in one
     * addBulk; under a key, the ids and clock are kept with it first (a retry
     * adds the same jobs).
     */
    async createOrders(
      inputs: readonly OrderCreate[],
      meta: BulkMeta,
    ): Promise<BulkItemOutcome<Order>[]> {
      const { ids, at } = await planWrite(meta.idempotency, () => ({
        ids: inputs.map(() => newObjectId()),
        at: nowMicros(),
      }));
      const orders = inputs.map((input, i) => newOrder(input, ids[i] ?? newObjectId(), at));
      await Promise.all(orders.map((order) => deps.heads.start(jobs.headOf(order.id), order)));
      const added = await deps.queue.addBulk(
        orders.map((order) => ({
          name: 'order.create',
          data: { requestId: meta.requestId, op: 'create' as const, order, before: null },
          opts: { jobId: orderJobId(order.id, 1) },
        })),
      );
      return orders.map((order, i) => {
        const job = added[i];
        if (!job) throw new Error('addBulk returned fewer jobs than it was given');
        return { status: 202, resource: visible(order), jobId: job.id ?? '', job };
      });
    },
  };
}

/** Changing orders: each change folded onto the order's head, then enqueued at its version. */
function orderChanges(jobs: OrderJobs) {
  return {
    /** The answer is the order as it reads once this write and every earlier one land. */
    updateOrder(id: string, changes: OrderPatch, meta: WriteMeta): Promise<AcceptedWrite<Order>> {
      return jobs.change(id, 'update', () => ({ ...changes, updated_at: nowMicros() }), meta);
    },

    /** A tombstone: the answer is the order as it was, at the deletion's version. */
    deleteOrder(id: string, meta: WriteMeta): Promise<AcceptedWrite<Order>> {
      return jobs.change(id, 'delete', () => ({ deleted: true, updated_at: nowMicros() }), meta);
    },
  };
}

/** Orders' reads, through the cache to Mongo. */
function orderReads(deps: OrderServiceDeps) {
  return {
    async getOrder(id: string): Promise<CachedRead<Order>> {
      const { value, hit } = await deps.cache.read('orders', ['id', id], () =>
        deps.orders.findById(id),
      );
      if (!value) throw new NotFoundError(`order ${id} not found`);
      return { value, cacheHit: hit };
    },

    async listOrders(page: PageQuery): Promise<CachedRead<Order[]>> {
      const { value, hit } = await deps.cache.read(
        'orders',
        ['page', page.page_num, page.page_size, page.after ?? ''],
        () => deps.orders.listPage(page),
      );
      return { value, cacheHit: hit };
    },
  };
}

/**
 * Orders: every write (create, update, delete) is folded onto the order's key
 * head (§9: one order per key, answers that match the store) and goes to the
 * `persist-orders` queue carrying the order's whole state at its version;
 * reads go through the cache to Mongo.
 */
export function createOrderService(deps: OrderServiceDeps) {
  const jobs = orderJobs(deps);
  return {
    /** Completion events of the orders' persist queue (`Prefer: wait`). */
    completions: deps.queueEvents,
    ...orderCreates(deps, jobs),
    ...orderChanges(jobs),
    ...orderReads(deps),
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
