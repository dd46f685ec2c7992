import type { RowDataPacket } from 'mysql2/promise';
import type { MysqlPool } from './mysql-pool.js';
import type { VersionedResource } from '../resources/created-resource.js';
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
  private readonly mutable: readonly string[];

  constructor(
    protected readonly pool: MysqlPool,
    private readonly mapping: SqlMapping,
  ) {
    const read = (column: string) =>
      mapping.readAs?.[column] === undefined
        ? quoted(column)
        : `${mapping.readAs[column]} AS ${quoted(column)}`;
    this.select = `SELECT ${mapping.columns.map(read).join(', ')} FROM ${quoted(mapping.table)}`;
    this.mutable = mapping.columns.filter((column) => !IMMUTABLE.has(column));
  }

  /** Writes every version in one statement; idempotent and version-checked. */
  async upsertVersions(writes: readonly VersionedResource<R>[]): Promise<void> {
    if (writes.length === 0) return;
    const { table, columns } = this.mapping;
    const params = writes.flatMap(({ resource, version }) => [
      ...columns.map((column) => (resource as Record<string, unknown>)[column]),
      version,
    ]);
    await this.pool.query(
      buildVersionedUpsert(table, columns, this.mutable, writes.length),
      params,
    );
  }

  async findById(id: number): Promise<R | null> {
    const rows = await this.rows(' WHERE id = ?', [id]);
    return rows[0] ?? null;
  }

  async findByIds(ids: readonly number[]): Promise<R[]> {
    if (ids.length === 0) return [];
    return this.rows(' WHERE id IN (?)', [ids]);
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
      `${whereOf(filter.condition, window.condition)} ORDER BY ${by.map((c) => `${c}${direction}`).join(', ')} LIMIT ? OFFSET ?`,
      [...filter.params, ...window.params, ...window.limit],
    );
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
