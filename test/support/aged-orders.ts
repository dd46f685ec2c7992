import { Types } from 'mongoose';
import type { Connections } from '../../shared/infra/process/connections.js';

const MINUTE_MICROS = 60_000_000;
const HOURS_72_MICROS = 72 * 60 * MINUTE_MICROS;

/** Ages that a 72-hour retention purges (`expired`) or keeps (`fresh`). */
export const ORDER_AGE = {
  expired: HOURS_72_MICROS + MINUTE_MICROS,
  fresh: HOURS_72_MICROS - MINUTE_MICROS,
} as const;

/** Big enough to amortise a round trip, small enough for FerretDB to take in one insert. */
const INSERT_CHUNK = 10_000;

/**
 * Inserts `count` orders placed `ageMicros` ago straight into the collection
 * (unordered insertMany in chunks): the worker's upserts are far too slow to
 * set up hundreds of thousands. Returns their ids.
 */
export async function insertAgedOrders(
  connections: Connections,
  ageMicros: number,
  count: number,
): Promise<string[]> {
  const collection = connections.mongo.db!.collection('orders');
  const createdAt = Date.now() * 1000 - ageMicros;
  const ids: string[] = [];
  for (let start = 0; start < count; start += INSERT_CHUNK) {
    const docs = Array.from({ length: Math.min(INSERT_CHUNK, count - start) }, (_, i) => {
      const _id = new Types.ObjectId();
      ids.push(_id.toHexString());
      return {
        _id,
        vehicle_manufacturer: 'Vauxhall',
        model: `aged-${start + i}`,
        total_price: 100,
        status: 'new',
        // Distinct times, some shared: the batches' (created_at, _id) ranges must split ties.
        created_at: createdAt - ((start + i) % 997),
        updated_at: createdAt,
        version: 1,
        deleted: false,
      };
    });
    await collection.insertMany(docs, { ordered: false });
  }
  return ids;
}
