import type { Context } from 'koa';

/** What Koa itself sets for an object body. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Answers with JSON the caller already has as text (a cached value spliced
 * into its envelope), so a cache hit is never parsed and re-serialized. Same
 * bytes, Content-Type and Content-Length as `ctx.body = object` would give.
 */
export function answerJsonText(ctx: Context, json: string, tag?: string): void {
  ctx.set('Content-Type', JSON_CONTENT_TYPE);
  // A tag known without hashing the body (conditional-get.ts hashes it otherwise).
  if (tag !== undefined) ctx.set('ETag', tag);
  ctx.body = json;
}
