import type { RowDataPacket } from 'mysql2/promise';
import type { MysqlPool } from './mysql-pool.repository.js';

/** The highest id a table holds (0 when empty): id counters are raised past it at start-up. */
export async function maxIdOf(
  pool: MysqlPool,
  table: 'users' | 'listings' | 'people',
): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT COALESCE(MAX(id), 0) AS max_id FROM \`${table}\``,
  );
  return Number(rows[0]?.max_id ?? 0);
}
