/**
 * Usernames are compared under NFKC with case folding and without
 * default-ignorable code points (issue 31; shared/domain/customers/username-key.ts),
 * where they were compared under NFC and lower case. This re-keys every live
 * customer's `username_key` to the new fold and reports the customers whose
 * names were distinct before and are one name now (`alice` and `ａｌｉｃｅ`,
 * `alice` and `alice` + U+200B).
 *
 * Of such a group, the customer created first (then the smallest uuid) holds
 * the name; every other one keeps working (reads, updates, deletes, its
 * display name unchanged) under a key of its own that no username folds to
 * (U+200B, which folding removes, then its uuid), and the update statement
 * keeps that key for as long as the username is not changed. The report names
 * each group so an operator can ask the others to rename.
 *
 * Run it before API processes of this version take writes: a write accepted
 * by an older process between its scan and its commit is keyed the old way.
 */
import type { MigrationDb } from '../../repositories/schema-migrations.repository.js';
import { usernameKey } from '../../customers/username-key.js';

export const revision = 'nfkc-casefold-ignorables-1';

const PAGE = 1000;
/**
 * A prefix no fold produces (folding removes U+200B): keys set aside, never a
 * username's. A set-aside row is looked at again by every run: once no other
 * row holds its name, it gets its fold back.
 */
const ASIDE = '\u200b';

interface Row {
  readonly uuid: string;
  readonly username: string;
  readonly key: string;
  readonly createdAt: number;
}

export interface Collision {
  /** The folded username the group shares. */
  readonly key: string;
  /** The customer that holds it from now on: the one created first. */
  readonly kept: { readonly uuid: string; readonly username: string };
  /** The others: they keep working, under a key of their own, until renamed. */
  readonly setAside: readonly { readonly uuid: string; readonly username: string }[];
}

export interface FoldReport {
  readonly scanned: number;
  readonly rekeyed: number;
  readonly collisions: readonly Collision[];
}

function rowOf(raw: Record<string, unknown>): Row {
  return {
    uuid: String(raw.uuid),
    username: String(raw.username),
    key: String(raw.username_key),
    createdAt: Number(raw.created_at),
  };
}

const earliest = (a: Row, b: Row) =>
  a.createdAt - b.createdAt || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0);

/** Every live row whose stored key is not its username's fold, page by page. */
async function changedRows(db: MigrationDb): Promise<{ scanned: number; changed: Row[] }> {
  const changed: Row[] = [];
  let scanned = 0;
  let after = '';
  for (;;) {
    const page = (
      await db.query(
        `SELECT uuid, username, username_key, created_at FROM customers
           WHERE username_key IS NOT NULL AND uuid > ? ORDER BY uuid LIMIT ?`,
        [after, PAGE],
      )
    ).map(rowOf);
    scanned += page.length;
    changed.push(...page.filter((row) => usernameKey(row.username) !== row.key));
    if (page.length < PAGE) return { scanned, changed };
    after = page[page.length - 1]!.uuid;
  }
}

/** Re-keys usernames to the NFKC case fold; returns what it changed and each collision. */
export async function up(db: MigrationDb): Promise<FoldReport> {
  const { scanned, changed } = await changedRows(db);
  const groups = new Map<string, Row[]>();
  for (const row of changed) {
    const key = usernameKey(row.username);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  // A row already keyed by a new fold (a plain `alice`) belongs to that fold's group.
  const keys = [...groups.keys()];
  for (let i = 0; i < keys.length; i += PAGE) {
    const holders = await db.query(
      `SELECT uuid, username, username_key, created_at FROM customers WHERE username_key IN (?)`,
      [keys.slice(i, i + PAGE)],
    );
    for (const holder of holders.map(rowOf)) groups.get(holder.key)?.push(holder);
  }
  const moved: [string, string][] = [];
  const collisions: Collision[] = [];
  for (const [key, rows] of groups) {
    const [kept, ...others] = [...rows].sort(earliest);
    const finals = new Map([[kept!, key]]);
    for (const other of others) finals.set(other, `${ASIDE}${other.uuid}`);
    // A row keeps its key when it already is the final one (a second run moves nothing).
    const moving = [...finals].filter(([row, final]) => row.key !== final);
    moved.push(...moving.map(([row, final]): [string, string] => [row.uuid, final]));
    if (others.length > 0 && moving.length > 0) {
      collisions.push({
        key,
        kept: { uuid: kept!.uuid, username: kept!.username },
        setAside: others.map(({ uuid, username }) => ({ uuid, username })),
      });
    }
  }
  // Two steps, so no intermediate state breaks the UNIQUE index: out of the way, then final.
  for (const [uuid] of moved) {
    await db.query('UPDATE customers SET username_key = ? WHERE uuid = ?', [
      `${ASIDE}moving:${uuid}`,
      uuid,
    ]);
  }
  for (const [uuid, key] of moved) {
    await db.query('UPDATE customers SET username_key = ? WHERE uuid = ?', [key, uuid]);
  }
  return { scanned, rekeyed: moved.length, collisions };
}
