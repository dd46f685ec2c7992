import type { Context } from 'koa';
import { encodeCursor, type CursorKey } from '../../shared/domain/pagination/cursor.js';

/**
 * Points a full page to the next one (RFC 8288): `Link: <path?after=…&page_size=N>;
 * rel="next"`, the cursor being the last item's sort key. A page shorter than
 * its size is the last one and has no such link. The answer's body keeps the
 * seeds' shapes; the link is how a client pages on past MAX_PAGE_OFFSET.
 */
export function linkNextPage(
  ctx: Context,
  page: { readonly page_size: number },
  items: { readonly count: number; readonly last: unknown },
  keyOf: (item: never) => CursorKey,
): void {
  if (items.count < page.page_size || items.last === undefined) return;
  const query = new URLSearchParams(ctx.querystring);
  query.delete('page_num');
  query.set('after', encodeCursor(keyOf(items.last as never)));
  query.set('page_size', String(page.page_size));
  ctx.set('Link', `<${ctx.path}?${query.toString()}>; rel="next"`);
}

/** A page's items as `linkNextPage` reads them, from its array. */
export function itemsOf(list: readonly unknown[]): { count: number; last: unknown } {
  return { count: list.length, last: list[list.length - 1] };
}

/**
 * The same from a page as JSON text (an array of flat objects whose first
 * key is `"id"`), without parsing the whole page on the hot path: `{"id":`
 * only occurs where an item starts (inside a string its quotes are escaped),
 * so counting it counts items, and the last one is parsed alone.
 */
export function itemsOfJson(json: string): { count: number; last: unknown } {
  const start = '{"id":';
  let count = 0;
  let last = -1;
  for (let at = json.indexOf(start); at !== -1; at = json.indexOf(start, at + 1)) {
    count += 1;
    last = at;
  }
  if (last === -1) return { count: 0, last: undefined };
  // The last item runs to the array's closing bracket.
  return { count, last: JSON.parse(json.slice(last, json.lastIndexOf(']'))) as unknown };
}
