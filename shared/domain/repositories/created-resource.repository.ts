import type { RowDataPacket } from 'mysql2/promise';
import type { MysqlPool } from '../../infra/databases/mysql-pool.js';
import type {
  CreatedState,
  OrderedOutcome,
  VersionedResource,
} from '../resources/created-resource.js';
import { stepFor, type VersionedWrite } from '../../infra/queues/key-heads.js';
import { buildVersionedUpsert } from './versioned-upsert.js';
import { pageWindow, whereOf } from './page-window.js';

/** How a created resource is stored in MySQL: its table, and a column per field. */
export interface SqlMapping {
  /** The table; also the resource's entity name. */
  readonly table: string;
  /** Its columns, `id` first; each holds the field of the same name. */
  readonly columns: readonly string[];
  /** Columns read through an expression instead (a DATE as its `YYYY-MM-DD` text). */
  readonly readAs?: Readonly<Record<string, string>>;
  /**
   * A deleted row stays, `deleted = 1` (a resource that takes deletes, §9):
   * reads skip it, writes in key order see it.
   */
  readonly tombstone?: boolean;
}

/** Never rewritten by a later version of a row: its key and when it was created. */
const IMMUTABLE: ReadonlySet<string> = new Set(['id', 'created_at']);

const quoted = (name: string): string => `\`${name}\``;

/** The order a page is read in, as `pageWindow` takes it. */
export type PageOrder = Parameters<typeof pageWindow>[1];

/**
 * The only code that reads and writes a created resource's table (users,
 * listings, people, and any resource declared like them): versioned upserts by
 * the persist worker, reads by id and by page for the API. The SQL is made
 * once, from the resource's column list.
 */
export class CreatedResourceRepository<R extends { readonly id: number }> {
  private readonly select: string;
  /** The same columns and the row's version, for writes in key order. */
  private readonly selectState: string;
  /** The columns a versioned upsert writes: the mapped ones, and `deleted` for a tombstone table. */
  private readonly written: readonly string[];
  private readonly mutable: readonly string[];
  /** Reads see live rows only. */
  private readonly live: string;

  constructor(
    protected readonly pool: MysqlPool,
    private readonly mapping: SqlMapping,
  ) {
    const read = (column: string) =>
      mapping.readAs?.[column] === undefined
        ? quoted(column)
        : `${mapping.readAs[column]} AS ${quoted(column)}`;
    const columns = mapping.columns.map(read).join(', ');
    this.select = `SELECT ${columns} FROM ${quoted(mapping.table)}`;
    const deleted = mapping.tombstone ? ', deleted' : '';
    this.selectState = `SELECT ${columns}, version${deleted} FROM ${quoted(mapping.table)}`;
    this.written = mapping.tombstone ? [...mapping.columns, 'deleted'] : mapping.columns;
    this.mutable = this.written.filter((column) => !IMMUTABLE.has(column));
    this.live = mapping.tombstone ? 'deleted = 0' : '';
  }

  /** Writes every version in one statement; idempotent and version-checked. */
  async upsertVersions(writes: readonly VersionedResource<R>[]): Promise<void> {
    if (writes.length === 0) return;
    const params = writes.flatMap((write) => this.paramsOf(write));
    await this.pool.query(this.upsertOf(writes.length), params);
  }

  /**
   * Writes to keys that take updates, in key order (§9): one transaction
   * locks the rows (`FOR UPDATE`), each write lands only on the version just
   * before its own (or brings that one along, `stepFor`), and the rows are
   * written in one statement. A write further ahead waits; one the store has
   * is replayed. Outcomes are in the order of `writes`.
   */
  async applyInOrder(
    writes: readonly VersionedWrite<CreatedState<R>>[],
  ): Promise<OrderedOutcome<R>[]> {
    if (writes.length === 0) return [];
    const connection = await this.pool.getConnection();
    try {
      await connection.beginTransaction();
      const ids = [...new Set(writes.map((write) => write.after.id))];
      const [rows] = await connection.query<RowDataPacket[]>(
        `${this.selectState} WHERE id IN (?) FOR UPDATE`,
        [ids],
      );
      const { outcomes, landing } = inKeyOrder(
        writes,
        new Map(rows.map((row) => [Number(row.id), this.stateOf(row)])),
      );
      if (landing.length > 0) {
        await connection.query(
          this.upsertOf(landing.length),
          landing.flatMap((state) => this.paramsOf({ resource: state, version: state.version })),
        );
      }
      await connection.commit();
      return outcomes;
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  }

  /** The resource at the version the store holds, or null. */
  async findState(id: number): Promise<CreatedState<R> | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(`${this.selectState} WHERE id = ?`, [id]);
    return rows[0] ? this.stateOf(rows[0]) : null;
  }

  async findById(id: number): Promise<R | null> {
    const rows = await this.rows(whereOf('id = ?', this.live), [id]);
    return rows[0] ?? null;
  }

  async findByIds(ids: readonly number[]): Promise<R[]> {
    if (ids.length === 0) return [];
    return this.rows(whereOf('id IN (?)', this.live), [ids]);
  }

  /** The highest id stored (0 when empty): the id counter is raised past it at start-up. */
  async maxId(): Promise<number> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT COALESCE(MAX(id), 0) AS max_id FROM ${quoted(this.mapping.table)}`,
    );
    return Number(rows[0]?.max_id ?? 0);
  }

  /**
   * One page in `order` (its columns also name the `ORDER BY`), by number or
   * after a cursor, of the rows that meet `filter` (a condition and its parameters).
   */
  protected async page(
    page: Parameters<typeof pageWindow>[0],
    order: PageOrder,
    filter: { readonly condition: string; readonly params: unknown[] } = {
      condition: '',
      params: [],
    },
  ): Promise<R[]> {
    const window = pageWindow(page, order);
    const direction = order.direction === 'desc' ? ' DESC' : '';
    const by = [order.first, order.second].filter((c) => c !== undefined);
    return this.rows(
      `${whereOf(filter.condition, this.live, window.condition)} ORDER BY ${by.map((c) => `${c}${direction}`).join(', ')} LIMIT ? OFFSET ?`,
      [...filter.params, ...window.params, ...window.limit],
    );
  }

  /** The versioned upsert of `rows` rows. */
  private upsertOf(rows: number): string {
    return buildVersionedUpsert(this.mapping.table, this.written, this.mutable, rows);
  }

  /** One row's parameters of the versioned upsert: its columns, then its version. */
  private paramsOf({ resource, version }: VersionedResource<R>): unknown[] {
    const fields = resource as Record<string, unknown>;
    const values = this.mapping.columns.map((column) => fields[column]);
    if (this.mapping.tombstone) values.push(fields.deleted === true ? 1 : 0);
    return [...values, version];
  }

  /** A row read with its version, as the resource at that version. */
  private stateOf(row: RowDataPacket): CreatedState<R> {
    const fields = Object.fromEntries(this.mapping.columns.map((column) => [column, row[column]]));
    const deleted = this.mapping.tombstone && Number(row.deleted) === 1 && { deleted: true };
    return { ...fields, version: Number(row.version), ...deleted } as unknown as CreatedState<R>;
  }

  /** Rows as plain resources: the mapped fields only, in column order. */
  private async rows(clauses: string, params: unknown[]): Promise<R[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(`${this.select}${clauses}`, params);
    const { columns } = this.mapping;
    return rows.map(
      (row) => Object.fromEntries(columns.map((column) => [column, row[column]])) as unknown as R,
    );
  }
}

/**
 * Which of `writes` land on the rows `stored` (by id) and which wait (§9,
 * `stepFor`): taken in version order, so a batch holding versions 2 and 3 of
 * one key lands both. Answers each write's outcome (in the order given) and
 * the rows to write: each key's newest landed state.
 */
export function inKeyOrder<R extends { readonly id: number }>(
  writes: readonly VersionedWrite<CreatedState<R>>[],
  stored: Map<number, CreatedState<R>>,
): { outcomes: OrderedOutcome<R>[]; landing: CreatedState<R>[] } {
  const outcomes: OrderedOutcome<R>[] = new Array(writes.length);
  const landing = new Map<number, CreatedState<R>>();
  const byVersion = writes.map((write, index) => ({ write, index }));
  byVersion.sort((a, b) => a.write.after.version - b.write.after.version);
  for (const { write, index } of byVersion) {
    const { id } = write.after;
    const current = stored.get(id) ?? null;
    const step = stepFor(current?.version ?? 0, write);
    if (step === 'wait') {
      outcomes[index] = { landed: false, storedVersion: current?.version ?? 0 };
      continue;
    }
    if (step === 'replayed') {
      outcomes[index] = { landed: true, stored: [] };
      continue;
    }
    const brought = { before: current, after: write.before as CreatedState<R> };
    outcomes[index] = { landed: true, stored: step === 'apply' ? [write] : [brought, write] };
    stored.set(id, write.after);
    landing.set(id, write.after);
  }
  return { outcomes, landing: [...landing.values()] };
}
