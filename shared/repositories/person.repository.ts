import type { RowDataPacket } from 'mysql2/promise';
import type { MysqlPool } from './mysql-pool.repository.js';
import type { VersionedResource } from '../resources/created-resource.js';
import type { Person } from '../schemas/person.schema.js';
import type { PageQuery } from '../schemas/query.schema.js';
import { buildVersionedUpsert } from './versioned-upsert.js';
import { maxIdOf } from './max-id.js';
import { pageWindow, whereOf } from './page-window.js';

export interface VersionedPerson {
  readonly person: Person;
  readonly version: number;
}

const COLUMNS = ['id', 'first', 'last', 'age', 'github_acct', 'third_grade_graduation'] as const;
const MUTABLE = COLUMNS.filter((column) => column !== 'id');
// DATE comes back as a string in the API's form: no Date object, no time zone shift.
const SELECT =
  'SELECT id, first, last, age, github_acct, ' +
  "DATE_FORMAT(third_grade_graduation, '%Y-%m-%d') AS third_grade_graduation FROM people";

type PersonRow = RowDataPacket & Person;

function toPerson(row: PersonRow): Person {
  return {
    id: row.id,
    first: row.first,
    last: row.last,
    age: row.age,
    github_acct: row.github_acct,
    third_grade_graduation: row.third_grade_graduation,
  };
}

/** The only module that reads and writes the `people` table. */
export class PersonRepository {
  constructor(private readonly pool: MysqlPool) {}

  /** Writes every row in one statement; idempotent and version-checked. */
  async upsertMany(rows: readonly VersionedPerson[]): Promise<void> {
    if (rows.length === 0) return;
    const params = rows.flatMap(({ person, version }) => [
      ...COLUMNS.map((column) => person[column]),
      version,
    ]);
    await this.pool.query(buildVersionedUpsert('people', COLUMNS, MUTABLE, rows.length), params);
  }

  /** `upsertMany` for the generic persist worker, which holds `{ resource, version }` writes. */
  upsertVersions(writes: readonly VersionedResource<Person>[]): Promise<void> {
    return this.upsertMany(writes.map(({ resource, version }) => ({ person: resource, version })));
  }

  async findById(id: number): Promise<Person | null> {
    const [rows] = await this.pool.query<PersonRow[]>(`${SELECT} WHERE id = ?`, [id]);
    return rows[0] ? toPerson(rows[0]) : null;
  }

  /** By id, ascending. By number, or after a cursor (keyset). */
  async listPage(page: PageQuery): Promise<Person[]> {
    const window = pageWindow(page, { first: 'id', direction: 'asc' });
    const [rows] = await this.pool.query<PersonRow[]>(
      `${SELECT}${whereOf(window.condition)} ORDER BY id LIMIT ? OFFSET ?`,
      [...window.params, ...window.limit],
    );
    return rows.map(toPerson);
  }

  /**
   * Youngest first, people without an age last; ties by id, ascending. The
   * order is the stored `age_order` column (COALESCE(age, 1000): NO_AGE_ORDER), so
   * the `(age_order, id)` index serves it (migration 007); `age IS NULL, age`
   * was an expression no index serves.
   */
  async listPageByAge(page: PageQuery): Promise<Person[]> {
    const window = pageWindow(page, {
      first: 'age_order',
      second: 'id',
      secondKind: 'int',
      direction: 'asc',
    });
    const [rows] = await this.pool.query<PersonRow[]>(
      `${SELECT}${whereOf(window.condition)} ORDER BY age_order, id LIMIT ? OFFSET ?`,
      [...window.params, ...window.limit],
    );
    return rows.map(toPerson);
  }

  /** Ids with this last name, ascending; compared by the column's case-insensitive collation. */
  async idsByLastName(last: string): Promise<number[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT id FROM people WHERE last = ? ORDER BY id',
      [last],
    );
    return rows.map((row) => Number(row.id));
  }

  /** Which of these ids are already stored. */
  async existingIds(ids: readonly number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT id FROM people WHERE id IN (?)', [
      ids,
    ]);
    return new Set(rows.map((row) => Number(row.id)));
  }

  async maxId(): Promise<number> {
    return maxIdOf(this.pool, 'people');
  }
}
