import { ValidationError } from '../errors/index.js';

/**
 * Keyset pagination (issue 31): a page goes on after the last item of the
 * page before, by the list's own sort key, instead of skipping `OFFSET` rows
 * (which the database reads and throws away: 10^8 of them at page 1,000,000
 * of 100). The cursor is that key, opaque to clients: base64url of its JSON.
 */
export type CursorKey = readonly (string | number)[];

/** What each part of a list's key is: an integer or a string. */
export type CursorShape = readonly ('int' | 'string')[];

/** The `after` value a client sends for the page after the one ending with `key`. */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

const notACursor = () =>
  new ValidationError(['invalid after: send the cursor of the page before (its Link rel="next")']);

/** The key a cursor carries, checked against the list's shape; a 400 for anything else. */
export function decodeCursor(cursor: string, shape: CursorShape): CursorKey {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw notACursor();
  }
  if (!Array.isArray(key) || key.length !== shape.length) throw notACursor();
  const fits = key.every((part: unknown, i) =>
    shape[i] === 'int'
      ? Number.isSafeInteger(part)
      : typeof part === 'string' && part.length <= 100,
  );
  if (!fits) throw notACursor();
  return key as CursorKey;
}

/**
 * A page asked by number is refused past `maxOffset` rows from the start:
 * every such page costs the database the whole offset. The answer points to
 * the cursor, which costs the same at any depth.
 */
export function checkPageOffset(
  page: { readonly page_num?: unknown; readonly page_size?: unknown; readonly after?: unknown },
  maxOffset: number,
): void {
  const { page_num: num, page_size: size } = page;
  if (typeof num !== 'number' || typeof size !== 'number') return;
  if (page.after !== undefined && num > 1) {
    throw new ValidationError(['after cannot be combined with page_num: the cursor says where']);
  }
  if ((num - 1) * size > maxOffset) {
    throw new ValidationError([
      `invalid page_num: page_num × page_size may reach ${maxOffset} items (MAX_PAGE_OFFSET); page on with after=<cursor>, the cursor of the Link rel="next" of the page before`,
    ]);
  }
}
