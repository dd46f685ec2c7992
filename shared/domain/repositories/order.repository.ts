import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { PageQuery } from '../schemas/query.schema.js';
import { KeyedQueue } from '../../infra/process/keyed-queue.js';
import { stepFor, type VersionedWrite } from '../../infra/queues/key-heads.js';
import type { OrderState } from '../writes/order-jobs.js';
import type { Order, OrderStatus } from '../schemas/order.schema.js';
import { DURABLE_WRITE } from './replica-models.js';
import { decodeCursor } from '../pagination/cursor.js';
import { ValidationError } from '../errors/index.js';

/** An order as stored: its fields, version and tombstone flag (what a `persist-orders` job carries). */
export type StoredOrder = OrderState;

interface OrderDocument {
  _id: Types.ObjectId;
  vehicle_manufacturer: string;
  model: string;
  total_price: number;
  status: OrderStatus;
  created_at: number;
  updated_at: number;
  version: number;
  /** A tombstone: deleted orders stay until the purge so no replayed write can revive them. */
  deleted: boolean;
}

const orderDocumentSchema = new Schema<OrderDocument>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    vehicle_manufacturer: String,
    model: String,
    total_price: Number,
    status: String,
    created_at: { type: Number, required: true },
    updated_at: Number,
    version: { type: Number, required: true },
    deleted: Boolean,
  },
  { collection: 'orders', versionKey: false, writeConcern: DURABLE_WRITE, strict: true },
);
orderDocumentSchema.index({ created_at: -1, _id: -1 });

const LIVE = { deleted: { $ne: true } } as const;

function toStoredOrder(doc: OrderDocument): StoredOrder {
  return { ...toOrder(doc), deleted: doc.deleted === true };
}

function toOrder(doc: OrderDocument): Order {
  return {
    id: doc._id.toHexString(),
    vehicle_manufacturer: doc.vehicle_manufacturer,
    model: doc.model,
    total_price: doc.total_price,
    status: doc.status,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
    version: doc.version,
  };
}

/** What applying one write did: landed (or had landed already), or must wait for earlier versions. */
export type OrderWriteOutcome =
  { readonly applied: true } | { readonly applied: false; readonly storedVersion: number };

export interface OrderWriteOptions {
  /**
   * Whether the job of the version before a write is still queued (it then
   * lands by itself). A write one version ahead brings that version along
   * only when it is not (its add failed after the head moved).
   */
  readonly predecessorQueued?: (write: VersionedWrite<StoredOrder>) => Promise<boolean>;
}

/** Mongo's duplicate key error code. */
const DUPLICATE_KEY = 11000;

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number } | null)?.code === DUPLICATE_KEY;
}

/** A document's fields from an order's state. */
function toDocument({ id, ...fields }: StoredOrder) {
  return { _id: new Types.ObjectId(id), ...fields };
}

/** The only module that reads and writes the Mongo `orders` collection; every write is journaled. */
export class OrderRepository {
  private readonly model: Model<OrderDocument>;
  /** One writer per order at a time: FerretDB's update matches, then writes, in two steps. */
  private readonly perOrder = new KeyedQueue();

  constructor(connection: Connection) {
    this.model =
      (connection.models.Order as Model<OrderDocument> | undefined) ??
      connection.model<OrderDocument>('Order', orderDocumentSchema);
  }

  /** Creates the collection's index (idempotent). */
  async ensureIndexes(): Promise<void> {
    await this.model.createIndexes();
  }

  /**
   * Applies each write in key order (`stepFor`, §9), journaled. Creates go
   * first, in one ordered insert (the common case: new orders); if any is
   * there already, each is applied on its own. Every other write is a
   * version-checked update of its own: it matches only the version just
   * before it, so no version is skipped or applied twice. FerretDB matches and
   * then writes in two steps, so a stale writer could put an older version
   * back: one order's writes in this process run one at a time. (Across
   * worker processes only two copies of one job can overlap — a job taken
   * over after a stall — and they write the same version; MongoDB itself
   * matches and writes atomically.)
   */
  async applyWrites(
    writes: readonly VersionedWrite<StoredOrder>[],
    options: OrderWriteOptions = {},
  ): Promise<OrderWriteOutcome[]> {
    const creates = writes.filter((w) => w.after.version === 1);
    let created = false;
    if (creates.length > 0) {
      try {
        await this.model.insertMany(
          creates.map((w) => toDocument(w.after)),
          {
            ordered: true,
            lean: true,
          },
        );
        created = true;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    return Promise.all(
      writes.map((write) =>
        created && write.after.version === 1
          ? { applied: true as const }
          : this.perOrder.run(write.after.id, () => this.applyInOrder(write, options)),
      ),
    );
  }

  /**
   * One write by `stepFor`, assuming first that the order is at the version
   * just before it (the usual case: one command); on a miss, its stored
   * version decides. A concurrent writer of the same order can move it
   * between the read and the write, so a few rounds are allowed.
   */
  private async applyInOrder(
    write: VersionedWrite<StoredOrder>,
    options: OrderWriteOptions,
  ): Promise<OrderWriteOutcome> {
    if (await this.storeOver(write.after)) return { applied: true };
    for (let round = 0; round < 5; round += 1) {
      const storedVersion = await this.storedVersion(write.after.id);
      const step = stepFor(storedVersion, write);
      if (step === 'replayed') return { applied: true };
      if (step === 'wait') return { applied: false, storedVersion };
      if (step === 'apply-before-first') {
        // Its predecessor's own job would write the same version at the same time, and
        // FerretDB could then put it back over this one: wait for that job instead.
        if (await options.predecessorQueued?.(write)) return { applied: false, storedVersion };
        if (!(await this.storeOver(write.before!))) continue;
      }
      if (await this.storeOver(write.after)) return { applied: true };
    }
    return { applied: false, storedVersion: await this.storedVersion(write.after.id) };
  }

  /** Stores `state` over the version just before it (none for version 1); false when not there. */
  private async storeOver(state: StoredOrder): Promise<boolean> {
    const { _id, ...fields } = toDocument(state);
    if (state.version === 1) {
      try {
        await this.model.insertMany([toDocument(state)], { lean: true });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    }
    const updated = await this.model
      .updateOne({ _id, version: state.version - 1 }, { $set: fields })
      .exec();
    return updated.matchedCount > 0;
  }

  private async storedVersion(id: string): Promise<number> {
    const doc = await this.model
      .findOne({ _id: new Types.ObjectId(id) }, { version: 1 })
      .lean<Pick<OrderDocument, 'version'>>()
      .exec();
    return doc?.version ?? 0;
  }

  /** An order with its version and tombstone; null when absent (never placed, or purged). */
  async findState(id: string): Promise<StoredOrder | null> {
    const doc = await this.model
      .findOne({ _id: new Types.ObjectId(id) })
      .lean<OrderDocument>()
      .exec();
    return doc ? toStoredOrder(doc) : null;
  }

  /** A live order; null when absent or deleted. */
  async findById(id: string): Promise<Order | null> {
    const doc = await this.model
      .findOne({ _id: new Types.ObjectId(id), ...LIVE })
      .lean<OrderDocument>()
      .exec();
    return doc ? toOrder(doc) : null;
  }

  /** Live orders, newest `created_at` first, ties by id (newest first). By number, or after a cursor. */
  async listPage(page: PageQuery): Promise<Order[]> {
    let filter: object = LIVE;
    let skip = (page.page_num - 1) * page.page_size;
    if (page.after !== undefined) {
      const [createdAt, id] = decodeCursor(page.after, ['int', 'string']);
      if (!/^[0-9a-f]{24}$/.test(String(id))) {
        throw new ValidationError(['invalid after: send the cursor of the page before']);
      }
      filter = {
        ...LIVE,
        $or: [
          { created_at: { $lt: createdAt } },
          { created_at: createdAt, _id: { $lt: new Types.ObjectId(String(id)) } },
        ],
      };
      skip = 0;
    }
    const docs = await this.model
      .find(filter)
      .sort({ created_at: -1, _id: -1 })
      .skip(skip)
      .limit(page.page_size)
      .lean<OrderDocument[]>()
      .exec();
    return docs.map(toOrder);
  }

  /**
   * Deletes every order (tombstones too) created before `cutoffMicros`, in
   * batches of at most `batchSize`; returns how many.
   */
  async deleteCreatedBefore(cutoffMicros: number, batchSize = 10_000): Promise<number> {
    let removed = 0;
    for await (const batch of this.deleteCreatedBeforeInBatches(cutoffMicros, batchSize)) {
      removed += batch;
    }
    return removed;
  }

  /**
   * Deletes the orders (tombstones too) created before `cutoffMicros`, oldest
   * first, at most `batchSize` per `deleteMany`, and yields each batch's count
   * once it is deleted. One unbounded `deleteMany` is refused by FerretDB on
   * SQLite past 32,766 documents (one SQL variable per id) and holds the
   * store's write lock for the whole purge.
   *
   * One cursor walks the expired orders by (`created_at`, `_id`) (the
   * collection's index); every `batchSize`-th one bounds a range delete. A
   * range, not `_id: {$in: ids}`: FerretDB matches `$in` by comparing each
   * document with every id. Everything before the previous bound is already
   * gone, so each range holds one batch. A stopped run leaves whole batches
   * deleted and the rest in place; the next run, with a new cutoff, goes on.
   */
  async *deleteCreatedBeforeInBatches(
    cutoffMicros: number,
    batchSize: number,
  ): AsyncGenerator<number, void, undefined> {
    const expired = { created_at: { $lt: cutoffMicros } };
    const cursor = this.model.collection
      .find(expired, { projection: { _id: 1, created_at: 1 } })
      .sort({ created_at: 1, _id: 1 })
      .batchSize(batchSize);
    try {
      let inBatch = 0;
      let last: Pick<OrderDocument, '_id' | 'created_at'> | undefined;
      for await (const doc of cursor) {
        last = doc as Pick<OrderDocument, '_id' | 'created_at'>;
        inBatch += 1;
        if (inBatch === batchSize) {
          yield await this.deleteThrough(expired, last);
          inBatch = 0;
        }
      }
      if (inBatch > 0 && last) yield await this.deleteThrough(expired, last);
    } finally {
      await cursor.close();
    }
  }

  /** Deletes the expired orders up to and including `last` in (`created_at`, `_id`) order. */
  private async deleteThrough(
    expired: { created_at: { $lt: number } },
    last: Pick<OrderDocument, '_id' | 'created_at'>,
  ): Promise<number> {
    const result = await this.model
      .deleteMany(
        {
          ...expired,
          $or: [
            { created_at: { $lt: last.created_at } },
            { created_at: last.created_at, _id: { $lte: last._id } },
          ],
        },
        { writeConcern: DURABLE_WRITE },
      )
      .exec();
    return result.deletedCount;
  }
}
