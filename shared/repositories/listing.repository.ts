import type { RowDataPacket } from 'mysql2/promise';
import type { MysqlPool } from './mysql-pool.repository.js';
import type { VersionedResource } from '../resources/created-resource.js';
import type { Listing } from '../schemas/listing.schema.js';
import type { ListingPageQuery } from '../schemas/query.schema.js';
import { buildVersionedUpsert } from './versioned-upsert.js';
import { maxIdOf } from './max-id.js';
import { NEWEST_FIRST, pageWindow, whereOf } from './page-window.js';

export interface VersionedListing {
  readonly listing: Listing;
  readonly version: number;
}

const COLUMNS = ['id', 'user_id', 'listing_type', 'price', 'created_at', 'updated_at'] as const;
const MUTABLE = ['user_id', 'listing_type', 'price', 'updated_at'] as const;
const SELECT = 'SELECT id, user_id, listing_type, price, created_at, updated_at FROM listings';

type ListingRow = RowDataPacket & Listing;

function toListing(row: ListingRow): Listing {
  return {
    id: row.id,
    user_id: row.user_id,
    listing_type: row.listing_type,
    price: row.price,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** The only module that reads and writes the `listings` table. */
export class ListingRepository {
  constructor(private readonly pool: MysqlPool) {}

  /** Writes every row in one statement; idempotent and version-checked. */
  async upsertMany(rows: readonly VersionedListing[]): Promise<void> {
    if (rows.length === 0) return;
    const params = rows.flatMap(({ listing, version }) => [
      listing.id,
      listing.user_id,
      listing.listing_type,
      listing.price,
      listing.created_at,
      listing.updated_at,
      version,
    ]);
    await this.pool.query(buildVersionedUpsert('listings', COLUMNS, MUTABLE, rows.length), params);
  }

  /** `upsertMany` for the generic persist worker, which holds `{ resource, version }` writes. */
  upsertVersions(writes: readonly VersionedResource<Listing>[]): Promise<void> {
    return this.upsertMany(writes.map(({ resource, version }) => ({ listing: resource, version })));
  }

  async findById(id: number): Promise<Listing | null> {
    const [rows] = await this.pool.query<ListingRow[]>(`${SELECT} WHERE id = ?`, [id]);
    return rows[0] ? toListing(rows[0]) : null;
  }

  /** Newest first (ties by id, newest first), optionally one user's listings only. */
  async listPage(page: ListingPageQuery): Promise<Listing[]> {
    const byUser = page.user_id === undefined ? '' : 'user_id = ?';
    const params: number[] = page.user_id === undefined ? [] : [page.user_id];
    const window = pageWindow(page, NEWEST_FIRST);
    const [rows] = await this.pool.query<ListingRow[]>(
      `${SELECT}${whereOf(byUser, window.condition)} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
      [...params, ...window.params, ...window.limit],
    );
    return rows.map(toListing);
  }

  async maxId(): Promise<number> {
    return maxIdOf(this.pool, 'listings');
  }
}
