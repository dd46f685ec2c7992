import { Schema, Types, type AnyBulkWriteOperation, type Connection, type Model } from 'mongoose';
import type { PageQuery } from '../schemas/query.schema.js';
import type { Order, OrderPatch, OrderStatus } from '../schemas/order.schema.js';
import { DURABLE_WRITE } from './replica-models.js';

/** The fields an update sets: what the client changed, and when. */
export type OrderChanges = OrderPatch & { updated_at: number };

/** One versioned write to apply (what a `persist-orders` job carries, minus its request id). */
export type OrderWrite =
  | { readonly op: 'create'; readonly version: number; readonly order: Order }
  | {
      readonly op: 'update';
      readonly version: number;
      readonly id: string;
      readonly set: OrderChanges;
    }
  | {
      readonly op: 'delete';
      readonly version: number;
      readonly id: string;
      readonly updated_at: number;
    };

/** An order as read, with the version its document carries (for the next write's version). */
export interface StoredOrder {
  readonly order: Order;
  readonly version: number;
}

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

function toOrder(doc: OrderDocument): Order {
  return {
    id: doc._id.toHexString(),
    vehicle_manufacturer: doc.vehicle_manufacturer,
    model: doc.model,
    total_price: doc.total_price,
    status: doc.status,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  };
}

/**
 * One write as a bulk operation. Each is idempotent and version-checked:
 * - create inserts only when no document has the id (a replay, or a create
 *   after the order was deleted, changes nothing);
 * - update and delete match only a document with a lower version, so a
 *   replayed or older write is a no-op; they never upsert, so a write for a
 *   purged order cannot bring it back; an update never touches a tombstone.
 */
function toOperation(write: OrderWrite): AnyBulkWriteOperation<OrderDocument> {
  if (write.op === 'create') {
    const { id, ...fields } = write.order;
    return {
      updateOne: {
        filter: { _id: new Types.ObjectId(id) },
        update: { $setOnInsert: { ...fields, version: write.version, deleted: false } },
        upsert: true,
      },
    };
  }
  const filter = { _id: new Types.ObjectId(write.id), version: { $lt: write.version } };
  if (write.op === 'update') {
    return {
      updateOne: {
        filter: { ...filter, ...LIVE },
        update: { $set: { ...write.set, version: write.version } },
      },
    };
  }
  return {
    updateOne: {
      filter,
      update: { $set: { deleted: true, updated_at: write.updated_at, version: write.version } },
    },
  };
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
   * Applies the writes in one ordered bulk write, lowest version first, so a
   * create and a later update of one order in the same batch land in order.
   * Returns how many documents were inserted or changed.
   */
  async applyWrites(writes: readonly OrderWrite[]): Promise<number> {
    if (writes.length === 0) return 0;
    const ordered = [...writes].sort((a, b) => a.version - b.version);
    const result = await this.model.bulkWrite(ordered.map(toOperation), {
      ordered: true,
      writeConcern: DURABLE_WRITE,
    });
    return result.upsertedCount + result.modifiedCount;
  }

  /** A live order and its version; null when absent or deleted. */
  async findById(id: string): Promise<StoredOrder | null> {
    const doc = await this.model
      .findOne({ _id: new Types.ObjectId(id), ...LIVE })
      .lean<OrderDocument>()
      .exec();
    return doc ? { order: toOrder(doc), version: doc.version } : null;
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
