import type { RowDataPacket } from 'mysql2/promise';
import type { Person } from '../schemas/person.schema.js';
import type { PageQuery } from '../schemas/query.schema.js';
import { CreatedResourceRepository } from './created-resource.repository.js';

/** The `people` table: the created-resource reads and writes, its pages, and the import's look-ups. */
export class PersonRepository extends CreatedResourceRepository<Person> {
  /** By id, ascending. By number, or after a cursor (keyset). */
  listPage(page: PageQuery): Promise<Person[]> {
    return this.page(page, { first: 'id', direction: 'asc' });
  }

  /**
   * Youngest first, people without an age last; ties by id, ascending. The
   * order is the stored `age_order` column (COALESCE(age, 1000): NO_AGE_ORDER), so
   * the `(age_order, id)` index serves it (migration 007); `age IS NULL, age`
   * was an expression no index serves.
   */
  listPageByAge(page: PageQuery): Promise<Person[]> {
    return this.page(page, {
      first: 'age_order',
      second: 'id',
      secondKind: 'int',
      direction: 'asc',
    });
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
}
