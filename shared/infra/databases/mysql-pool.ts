import mysql, { type Pool } from 'mysql2/promise';

export type { Pool as MysqlPool };

/** The MySQL pool every repository queries through; BIGINTs come back as JS numbers. */
export function createMysqlPool(options: { url: string; poolSize: number }): Pool {
  return mysql.createPool({
    uri: options.url,
    connectionLimit: options.poolSize,
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: false,
    enableKeepAlive: true,
    waitForConnections: true,
  });
}

/** True when MySQL answers a trivial query. */
export async function pingMysql(pool: Pool): Promise<void> {
  await pool.query('SELECT 1');
}
