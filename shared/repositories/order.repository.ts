import { Schema, Types, type AnyBulkWriteOperation, type Connection, type Model } from 'mongoose';
import type { PageQuery } from '../schemas/query.schema.js';
import type { OrderState } from '../jobs/order-jobs.js';
import type { Order, OrderStatus } from '../schemas/order.schema.js';
import { DURABLE_WRITE } from './replica-models.js';

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

/**
 * One write as a bulk operation: the order's whole state at its version,
 * stored over any lower version. Whatever order a key's writes arrive in, the
 * highest version wins, and that version's state already holds every earlier
 * write (key-heads.ts): so no acknowledged change is lost and none applies
 * twice. It upserts, because a later write may arrive before the create; a
 * document at this version or higher makes the upsert a duplicate-key error,
 * which means "already applied" (see `applyWrites`).
 */
function toOperation(order: StoredOrder): AnyBulkWriteOperation<OrderDocument> {
  const { id, ...fields } = order;
  return {
    updateOne: {
      filter: { _id: new Types.ObjectId(id), version: { $lt: order.version } },
      update: { $set: fields },
      upsert: true,
    },
  };
}

/** Mongo's duplicate key error code. */
const DUPLICATE_KEY = 11000;

interface BulkWriteErrorLike {
  writeErrors?: { code?: number } | readonly { code?: number }[];
}

/** True when every failed operation of a bulk write met a newer (or the same) version. */
function onlyNewerVersions(error: unknown): boolean {
  const raw = (error as BulkWriteErrorLike | null)?.writeErrors;
  if (raw === undefined) return false;
  const writeErrors = Array.isArray(raw) ? raw : [raw];
  return writeErrors.length > 0 && writeErrors.every((e) => e.code === DUPLICATE_KEY);
}

/** The only module that reads and writes the Mongo `orders` collection; every write is journaled. */
export class OrderRepository {
  private readonly model: Model<OrderDocument>;

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
   * Applies the writes in one unordered, journaled bulk write: each is
   * independent (version-checked), so their order within the batch is free.
   */
  async applyWrites(writes: readonly StoredOrder[]): Promise<void> {
    if (writes.length === 0) return;
    try {
      await this.model.bulkWrite(writes.map(toOperation), {
        ordered: false,
        writeConcern: DURABLE_WRITE,
      });
    } catch (error) {
      if (!onlyNewerVersions(error)) throw error;
    }
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

  /** Live orders, newest `created_at` first, ties by id (newest first). */
  async listPage(page: PageQuery): Promise<Order[]> {
    const docs = await this.model
      .find(LIVE)
      .sort({ created_at: -1, _id: -1 })
      .skip((page.page_num - 1) * page.page_size)
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
