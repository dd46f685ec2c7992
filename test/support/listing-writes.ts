import type { RowDataPacket } from 'mysql2/promise';
import { http, type HttpAnswer } from './http.js';
import type { Pipeline } from './pipeline.js';

/** `n` listings POSTed at once (prices 1..n); the answers in the order sent. */
export function postListings(
  pipeline: Pipeline,
  n: number,
  listingType: 'rent' | 'sale',
): Promise<HttpAnswer[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      http('POST', `${pipeline.urls.listings}/listings`, {
        json: { user_id: 1, listing_type: listingType, price: i + 1 },
      }),
    ),
  );
}

/** Rows in one of the pipeline's MySQL tables. */
export async function countRows(pipeline: Pipeline, table: 'users' | 'listings'): Promise<number> {
  const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS n FROM ${table}`,
  );
  return Number(rows[0]?.n);
}
