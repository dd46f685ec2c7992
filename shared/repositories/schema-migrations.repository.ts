import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import mysql, { type RowDataPacket } from 'mysql2/promise';

export interface MigrationResult {
  readonly applied: string[];
  readonly alreadyApplied: string[];
}

const LOCK_NAME = 'spillway_schema_migrations';

/**
 * Applies the ordered `NNN_name.sql` files of `directory` that have not run yet,
 * recording each in `schema_migrations`. A named lock keeps concurrent runners
 * (several processes starting at once) from applying one file twice; an edited,
 * already-applied file is refused rather than silently ignored.
 */
export async function applyMigrations(url: string, directory: string): Promise<MigrationResult> {
  const connection = await mysql.createConnection({ uri: url, multipleStatements: true });
  try {
    const [locked] = await connection.query<RowDataPacket[]>('SELECT GET_LOCK(?, 60) AS ok', [
      LOCK_NAME,
    ]);
    if (Number(locked[0]?.ok) !== 1) throw new Error('could not take the migration lock in 60 s');
    await connection.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         name VARCHAR(255) NOT NULL PRIMARY KEY,
         checksum CHAR(64) NOT NULL,
         applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
       ) ENGINE = InnoDB`,
    );
    const [rows] = await connection.query<RowDataPacket[]>(
      'SELECT name, checksum FROM schema_migrations',
    );
    const done = new Map(rows.map((row) => [String(row.name), String(row.checksum)]));
    const files = (await readdir(directory)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const file of files) {
      const sql = await readFile(join(directory, file), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const previous = done.get(file);
      if (previous !== undefined) {
        if (previous !== checksum) throw new Error(`migration ${file} was edited after it ran`);
        result.alreadyApplied.push(file);
        continue;
      }
      await connection.query(sql);
      await connection.query('INSERT INTO schema_migrations (name, checksum) VALUES (?, ?)', [
        file,
        checksum,
      ]);
      result.applied.push(file);
    }
    return result;
  } finally {
    await connection.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]).catch(() => undefined);
    await connection.end();
  }
}
