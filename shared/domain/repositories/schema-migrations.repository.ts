import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';

export interface MigrationResult {
  readonly applied: string[];
  readonly alreadyApplied: string[];
  /** What each code migration applied in this run reported (collisions it found, counts). */
  readonly reports: Record<string, unknown>;
}

/** The database as a code migration sees it: statements with placeholders, rows back. */
export interface MigrationDb {
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
}

/**
 * A migration that needs code (`NNN_name.ts`, compiled to `.js`): a change
 * SQL cannot compute, such as re-folding usernames under Unicode rules. It
 * runs in one transaction with its record in `schema_migrations`.
 */
export interface CodeMigration {
  /** What the migration does, in a word: changing it after it ran is refused, like an edited .sql. */
  readonly revision: string;
  up(db: MigrationDb): Promise<unknown>;
}

const LOCK_NAME = 'spillway_schema_migrations';
const SQL_FILE = /^(\d+_.+)\.sql$/;
const CODE_FILE = /^(\d+_.+)\.(ts|js)$/;
/** Code migrations are run in this module's own form: `.ts` under tsx, `.js` when compiled. */
const CODE_EXTENSION = import.meta.url.endsWith('.ts') ? 'ts' : 'js';

type Step =
  | { readonly kind: 'sql'; readonly name: string; readonly file: string }
  | { readonly kind: 'code'; readonly name: string; readonly file: string };

/** The migrations of `directory` in order: `.sql` files by file name, code ones by base name. */
async function stepsIn(directory: string): Promise<Step[]> {
  const steps: Step[] = [];
  for (const file of await readdir(directory)) {
    if (SQL_FILE.test(file)) steps.push({ kind: 'sql', name: file, file });
    const code = CODE_FILE.exec(file);
    // The build copies the migrations folder beside the compiled code: `.ts` and `.js` of one step.
    if (code && code[2] === CODE_EXTENSION && !file.endsWith('.d.ts')) {
      steps.push({ kind: 'code', name: code[1]!, file });
    }
  }
  return steps.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function migrationDb(connection: Connection): MigrationDb {
  return {
    async query(sql, params = []) {
      const [rows] = await connection.query<RowDataPacket[]>(sql, [...params]);
      return Array.isArray(rows) ? rows : [];
    },
  };
}

/** Runs one code migration and records it, in one transaction. */
async function applyCode(
  connection: Connection,
  directory: string,
  step: Step,
): Promise<{ checksum: string; run: () => Promise<unknown> }> {
  const migration = (await import(pathToFileURL(join(directory, step.file)).href)) as CodeMigration;
  const checksum = sha256(`code:${migration.revision}`);
  return {
    checksum,
    run: async () => {
      await connection.beginTransaction();
      try {
        const report = await migration.up(migrationDb(connection));
        await connection.query('INSERT INTO schema_migrations (name, checksum) VALUES (?, ?)', [
          step.name,
          checksum,
        ]);
        await connection.commit();
        return report;
      } catch (error) {
        await connection.rollback();
        throw error;
      }
    },
  };
}

/**
 * Applies the ordered `NNN_name.sql` files and `NNN_name.ts` code migrations
 * of `directory` that have not run yet, recording each in `schema_migrations`.
 * A named lock keeps concurrent runners (several processes starting at once)
 * from applying one twice; an edited, already-applied one is refused rather
 * than silently ignored.
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
    const result: MigrationResult = { applied: [], alreadyApplied: [], reports: {} };
    for (const step of await stepsIn(directory)) {
      const code = step.kind === 'code' ? await applyCode(connection, directory, step) : undefined;
      const sql = step.kind === 'sql' ? await readFile(join(directory, step.file), 'utf8') : '';
      const checksum = code?.checksum ?? sha256(sql);
      const previous = done.get(step.name);
      if (previous !== undefined) {
        if (previous !== checksum)
          throw new Error(`migration ${step.name} was edited after it ran`);
        result.alreadyApplied.push(step.name);
        continue;
      }
      if (code) {
        result.reports[step.name] = await code.run();
      } else {
        await connection.query(sql);
        await connection.query('INSERT INTO schema_migrations (name, checksum) VALUES (?, ?)', [
          step.name,
          checksum,
        ]);
      }
      result.applied.push(step.name);
    }
    return result;
  } finally {
    await connection.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]).catch(() => undefined);
    await connection.end();
  }
}
