import { hash } from 'node:crypto';
import type { Context, Middleware } from 'koa';

/**
 * Whether an `If-None-Match` list names `etag`, by weak comparison (RFC 9110
 * §13.1.2: `W/"x"` and `"x"` match): `*` matches any current representation.
 */
export function noneMatch(header: string, etag: string): boolean {
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  if (header.trim() === '*') return true;
  const wanted = opaque(etag);
  return header.split(',').some((tag) => opaque(tag) === wanted);
}

/** A strong entity tag for a body without a version: its SHA-1, base64url. */
export function bodyTag(json: string): string {
  return `"${hash('sha1', json, 'base64url')}"`;
}

/** The JSON text a body will be sent as (a route may have set it as text already). */
function bodyText(ctx: Context): string | undefined {
  const { body } = ctx;
  if (typeof body === 'string') return body;
  if (body === null || body === undefined || typeof body !== 'object') return undefined;
  // A stream or a buffer is not walked: it has no tag (GET /customer streams every pair).
  if (Buffer.isBuffer(body) || typeof (body as { pipe?: unknown }).pipe === 'function') {
    return undefined;
  }
  const json = JSON.stringify(body);
  ctx.body = json;
  ctx.type = 'application/json';
  return json;
}

/**
 * HTTP caching of reads (§4, RFC 9110/9111): every successful GET answers an
 * `ETag` (the one its route set — a resource's version — or else a hash of
 * the body) and `Cache-Control: max-age=N`, and an `If-None-Match` that names
 * the current tag is answered `304` with no body. Browsers, CDNs and polling
 * clients then revalidate instead of downloading again.
 */
export function conditionalGet(options: { readonly maxAgeSeconds: number }): Middleware {
  const cacheControl = options.maxAgeSeconds > 0 ? `max-age=${options.maxAgeSeconds}` : 'no-cache';
  return async function answerConditionally(ctx, next) {
    // Writes pass straight through: no await, no frame of this function around them.
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    await next();
    if (ctx.status !== 200) return;
    let etag = ctx.response.get('ETag');
    if (!etag) {
      const json = bodyText(ctx);
      if (json === undefined) return;
      etag = bodyTag(json);
      ctx.set('ETag', etag);
    }
    if (!ctx.response.get('Cache-Control')) ctx.set('Cache-Control', cacheControl);
    const ifNoneMatch = ctx.get('If-None-Match');
    if (ifNoneMatch && noneMatch(ifNoneMatch, etag)) {
      ctx.status = 304;
      ctx.body = null;
    }
  };
}
