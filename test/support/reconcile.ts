import type { RowDataPacket } from 'mysql2/promise';
import type { Connections } from '../../shared/infra/process/connections.js';
import type { LoadResult } from './load.js';

/** The figures of one store after a run. */
export interface StoreFigures {
  /** Writes answered 2xx. */
  readonly accepted: number;
  /** Acknowledged ids found at least once. */
  readonly persisted: number;
  /** Acknowledged ids with no row / document. */
  readonly lost: number;
  /** Ids with more than one row / document (the extra copies counted). */
  readonly duplicated: number;
  /** Rows / documents whose write was never acknowledged (allowed only for unanswered requests). */
  readonly unacknowledged: number;
}

export interface Reconciliation {
  readonly mysql: StoreFigures;
  readonly mongo: StoreFigures;
  readonly unanswered: number;
}

const TABLES = { users: 'users', listings: 'listings' } as const;

/** Copies per id: rows per id in MySQL. */
async function mysqlCopies(connections: Connections, table: string): Promise<Map<number, number>> {
  const [rows] = await connections.mysql.query<RowDataPacket[]>(
    `SELECT id, COUNT(*) AS copies FROM ${table} GROUP BY id`,
  );
  return new Map(rows.map((row) => [Number(row.id), Number(row.copies)]));
}

/** Copies per id: documents per _id in Mongo, counted here rather than trusted to an index. */
async function mongoCopies(connections: Connections, name: string): Promise<Map<number, number>> {
  const db = connections.mongo.db;
  if (!db) throw new Error('mongo is not connected');
  const documents = await db
    .collection(name)
    .find({}, { projection: { _id: 1 } })
    .toArray();
  const copies = new Map<number, number>();
  for (const document of documents) {
    const id = Number(document._id);
    copies.set(id, (copies.get(id) ?? 0) + 1);
  }
  return copies;
}

function figures(
  acknowledged: Record<keyof typeof TABLES, number[]>,
  copies: Record<keyof typeof TABLES, Map<number, number>>,
): StoreFigures {
  let accepted = 0;
  let persisted = 0;
  let duplicated = 0;
  let unacknowledged = 0;
  for (const resource of Object.keys(TABLES) as (keyof typeof TABLES)[]) {
    const acked = new Set(acknowledged[resource]);
    accepted += acknowledged[resource].length;
    // An id acknowledged twice would itself be a duplicate: count it.
    duplicated += acknowledged[resource].length - acked.size;
    for (const id of acked) if (copies[resource].has(id)) persisted += 1;
    for (const [id, count] of copies[resource]) {
      duplicated += count - 1;
      if (!acked.has(id)) unacknowledged += 1;
    }
  }
  return { accepted, persisted, lost: accepted - persisted, duplicated, unacknowledged };
}

/** Reads both stores once and counts every acknowledged id in each. */
export async function reconcileOnce(
  connections: Connections,
  load: LoadResult,
): Promise<Reconciliation> {
  const [mu, ml, gu, gl] = await Promise.all([
    mysqlCopies(connections, TABLES.users),
    mysqlCopies(connections, TABLES.listings),
    mongoCopies(connections, TABLES.users),
    mongoCopies(connections, TABLES.listings),
  ]);
  return {
    mysql: figures(load.acknowledged, { users: mu, listings: ml }),
    mongo: figures(load.acknowledged, { users: gu, listings: gl }),
    unanswered: load.unanswered,
  };
}

/**
 * Waits (up to `timeoutMs`) for every acknowledged write to reach both stores,
 * then returns the exact figures and prints
 * `accepted / persisted / lost / duplicated` for MySQL and Mongo.
 */
export async function reconcile(
  connections: Connections,
  load: LoadResult,
  options: { label: string; timeoutMs?: number },
): Promise<Reconciliation> {
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  let result = await reconcileOnce(connections, load).catch(() => undefined);
  while ((!result || result.mysql.lost > 0 || result.mongo.lost > 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    result = await reconcileOnce(connections, load).catch(() => result);
  }
  if (!result) throw new Error(`${options.label}: the stores could not be read`);
  const line = (store: string, f: StoreFigures) =>
    `${store} accepted ${f.accepted} / persisted ${f.persisted} / lost ${f.lost} / duplicated ${f.duplicated}` +
    ` (unacknowledged ${f.unacknowledged})`;
  console.log(`      [${options.label}] ${line('MySQL', result.mysql)}`);
  console.log(`      [${options.label}] ${line('Mongo', result.mongo)}`);
  console.log(`      [${options.label}] unanswered requests ${result.unanswered}`);
  return result;
}

/**
 * What every chaos scenario asserts: nothing acknowledged is lost or doubled in
 * either store, and a row nobody acknowledged belongs to a request that got no answer.
 */
export function expectExact(result: Reconciliation): void {
  for (const [store, f] of Object.entries({ mysql: result.mysql, mongo: result.mongo })) {
    if (f.lost !== 0 || f.duplicated !== 0 || f.unacknowledged > result.unanswered) {
      throw new Error(
        `${store}: lost ${f.lost}, duplicated ${f.duplicated}, ` +
          `unacknowledged ${f.unacknowledged} > unanswered ${result.unanswered}`,
      );
    }
  }
}
