import { decodeCursor } from '../pagination/cursor.js';

/** A page as a list's queries need it: by number (`OFFSET`) or after a cursor (keyset). */
interface PageAsked {
  readonly page_num: number;
  readonly page_size: number;
  readonly after?: string;
}

/** The condition that selects the rows after a cursor, its parameters, and the `LIMIT … OFFSET …`. */
export interface PageWindow {
  /** Empty, or a condition to AND into the query's WHERE. */
  readonly condition: string;
  readonly params: unknown[];
  readonly limit: [number, number];
}

/** Newest first, ties by the integer id (users, listings). */
export const NEWEST_FIRST = {
  first: 'created_at',
  second: 'id',
  secondKind: 'int',
  direction: 'desc',
} as const;

/**
 * The rows of a page sorted by `(first, second)`, both descending (`desc`,
 * newest first) or both ascending: after a cursor, the rows strictly past the
 * cursor's key, written out as `a < ? OR (a = ? AND b < ?)` so MariaDB and
 * MySQL both walk the (first, second) index from there; else `OFFSET`. A list
 * sorted by a unique integer alone (an id) has no `second`.
 */
export function pageWindow(
  page: PageAsked,
  order: {
    readonly first: string;
    readonly second?: string;
    readonly secondKind?: 'int' | 'string';
    readonly direction: 'desc' | 'asc';
  },
): PageWindow {
  if (page.after === undefined) {
    return {
      condition: '',
      params: [],
      limit: [page.page_size, (page.page_num - 1) * page.page_size],
    };
  }
  const past = order.direction === 'desc' ? '<' : '>';
  const { first, second } = order;
  if (second === undefined) {
    const [a] = decodeCursor(page.after, ['int']);
    return { condition: `${first} ${past} ?`, params: [a], limit: [page.page_size, 0] };
  }
  const [a, b] = decodeCursor(page.after, ['int', order.secondKind ?? 'int']);
  return {
    condition: `(${first} ${past} ? OR (${first} = ? AND ${second} ${past} ?))`,
    params: [a, a, b],
    limit: [page.page_size, 0],
  };
}

/** `WHERE …` of the conditions that are not empty, or nothing. */
export function whereOf(...conditions: string[]): string {
  const present = conditions.filter((c) => c !== '');
  return present.length === 0 ? '' : ` WHERE ${present.join(' AND ')}`;
}
