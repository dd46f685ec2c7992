import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** HTTP basic auth with a constant-time comparison; 401 with a challenge otherwise. */
export function basicAuth(
  credentials: { user: string; password: string },
  realm: string,
): Middleware {
  const expected = digest(`${credentials.user}:${credentials.password}`);
  return async function requireBasicAuth(ctx, next) {
    const header = ctx.get('Authorization');
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
    const offered = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    if (!timingSafeEqual(digest(offered), expected)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
      ctx.body = { result: false, code: 'SPW_UNAUTHORIZED', errors: ['authentication required'] };
      return;
    }
    await next();
  };
}
