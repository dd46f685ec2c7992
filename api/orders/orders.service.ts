import type { ReadThroughCache } from '../../shared/cache/read-through-cache.js';
import { nowMicros } from '../../shared/clock.js';
import { NotFoundError } from '../../shared/errors/index.js';
import { planWrite } from '../../shared/idempotency/idempotent-attempt.js';
import { orderJobId, type PersistOrderJob } from '../../shared/jobs/order-jobs.js';
import { waitForJob } from '../../shared/jobs/wait-for-job.js';
import { newObjectId } from '../../shared/object-id.js';
import type { OrderRepository, StoredOrder } from '../../shared/repositories/order.repository.js';
import type { PageQuery } from '../../shared/schemas/query.schema.js';
import type { Order, OrderCreate, OrderPatch } from '../../shared/schemas/order.schema.js';
import type { VersionAllocator } from '../../shared/versions.js';
import type { AcceptedWrite, CachedRead, WriteMeta } from '../write-results.js';
import type { ShardCompletions } from '../../shared/jobs/completion-listener.js';
import type { BulkItemOutcome, BulkMeta } from '../http/bulk/bulk-intake.js';
import type { ShardedQueue } from '../../shared/jobs/sharded-queue.js';

export interface OrderServiceDeps {
  readonly queue: ShardedQueue<PersistOrderJob>;
  readonly queueEvents: ShardCompletions;
  readonly cache: ReadThroughCache;
  readonly orders: OrderRepository;
  readonly versions: VersionAllocator;
}

/** A new order: its ObjectId, `new` unless told otherwise, both timestamps now. */
function newOrder(input: OrderCreate, id: string, now: number): Order {
  return {
    id,
    vehicle_manufacturer: input.vehicle_manufacturer,
    model: input.model,
    total_price: input.total_price,
    status: input.status ?? 'new',
    created_at: now,
    updated_at: now,
  };
}

/** A new id has no writes yet: its first version is 1, with no counter to touch. */
function createJob(order: Order, requestId: string): PersistOrderJob {
  return { requestId, version: 1, op: 'create', order };
}

/**
 * Orders: every write (create, update, delete) goes to the `persist-orders`
 * queue with its version assigned; reads go through the cache to Mongo.
 */
export function createOrderService(deps: OrderServiceDeps) {
  async function enqueue(job: PersistOrderJob, id: string, waitSeconds: number) {
    const added = await deps.queue.add(`order.${job.op}`, job, {
      jobId: orderJobId(id, job.version),
    });
    const persisted = await waitForJob(added, deps.queueEvents, waitSeconds);
    return { jobId: added.id ?? '', persisted };
  }

  /**
   * The existence check before an update or delete, through the same cache as
   * every read. An order deleted or purged between this check and the job
   * running makes the job a no-op (see order.repository.ts), not an error.
   */
  async function readStored(id: string): Promise<CachedRead<StoredOrder>> {
    const { value, hit } = await deps.cache.read('orders', ['id', id], () =>
      deps.orders.findById(id),
    );
    if (!value) throw new NotFoundError(`order ${id} not found`);
    return { value, cacheHit: hit };
  }

  return {
    /** Completion events of the orders' persist queue (`Prefer: wait`). */
    completions: deps.queueEvents,

    async createOrder(input: OrderCreate, meta: WriteMeta): Promise<AcceptedWrite<Order>> {
      // Under a key, the ObjectId and clock are kept with it: a retry adds the same job id.
      const { id, at } = await planWrite(meta.idempotency, () => ({
        id: newObjectId(),
        at: nowMicros(),
      }));
      const order = newOrder(input, id, at);
      const job = createJob(order, meta.requestId);
      return { resource: order, ...(await enqueue(job, order.id, meta.waitSeconds)) };
    },

    /**
     * A chunk of bulk orders (§7): new ObjectIds, every job in one addBulk;
     * under a key, the ids and clock are kept with it first (a retry adds the same jobs).
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
      const jobs = await deps.queue.addBulk(
        orders.map((order) => ({
          name: 'order.create',
          data: createJob(order, meta.requestId),
          opts: { jobId: orderJobId(order.id, 1) },
        })),
      );
      return orders.map((order, i) => {
        const job = jobs[i];
        if (!job) throw new Error('addBulk returned fewer jobs than it was given');
        return { status: 202, resource: order, jobId: job.id ?? '', job };
      });
    },

    async updateOrder(
      id: string,
      changes: OrderPatch,
      meta: WriteMeta,
    ): Promise<AcceptedWrite<Order>> {
      // Read and versioned once: a retry repeats this plan, whatever the order says by then.
      const { version, set, resource } = await planWrite(meta.idempotency, async () => {
        const { value: stored } = await readStored(id);
        const next = await deps.versions.next('orders', id, stored.version);
        const changed = { ...changes, updated_at: nowMicros() };
        // The answer is the order as it will read once this write lands on what was read.
        return { version: next, set: changed, resource: { ...stored.order, ...changed } };
      });
      const job: PersistOrderJob = { requestId: meta.requestId, version, op: 'update', id, set };
      return { resource, ...(await enqueue(job, id, meta.waitSeconds)) };
    },

    async deleteOrder(id: string, meta: WriteMeta): Promise<AcceptedWrite<Order>> {
      const { version, at, resource } = await planWrite(meta.idempotency, async () => {
        const { value: stored } = await readStored(id);
        const next = await deps.versions.next('orders', id, stored.version);
        return { version: next, at: nowMicros(), resource: stored.order };
      });
      const job: PersistOrderJob = {
        requestId: meta.requestId,
        version,
        op: 'delete',
        id,
        updated_at: at,
      };
      return { resource, ...(await enqueue(job, id, meta.waitSeconds)) };
    },

    async getOrder(id: string): Promise<CachedRead<Order>> {
      const { value, cacheHit } = await readStored(id);
      return { value: value.order, cacheHit };
    },

    async listOrders(page: PageQuery): Promise<CachedRead<Order[]>> {
      const { value, hit } = await deps.cache.read(
        'orders',
        ['page', page.page_num, page.page_size],
        () => deps.orders.listPage(page),
      );
      return { value, cacheHit: hit };
    },
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
