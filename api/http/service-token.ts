import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { UnauthorizedError } from '../../shared/domain/errors/index.js';
import type { RequestState } from './request-id.js';

/** Probes, scrapers and the API docs work without the token. */
function isOpenPath(path: string): boolean {
  return path === '/health' || path === '/ready' || path === '/metrics' || path.startsWith('/api/');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The token a caller offered: `Authorization: Bearer <token>` or `X-Service-Token`. */
function offeredToken(authorization: string, header: string): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer?.[1]) return bearer[1];
  return header === '' ? undefined : header;
}

/**
 * An internal service (users, listings) requires the shared service token
 * when one is configured and answers 401 without it. Compared as digests in
 * constant time, so neither the token's length nor its prefix leaks. A
 * caller that presents it is marked trusted (not rate-limited per address).
 */
export function requireServiceToken(token: string): Middleware<RequestState> {
  const expected = digest(token);
  return async function checkServiceToken(ctx, next) {
    if (!isOpenPath(ctx.path)) {
      const offered = offeredToken(ctx.get('Authorization'), ctx.get('X-Service-Token'));
      if (offered === undefined || !timingSafeEqual(digest(offered), expected)) {
        throw new UnauthorizedError(
          offered === undefined
            ? 'this internal service requires a service token (Authorization: Bearer <token>)'
            : 'invalid service token',
        );
      }
      ctx.state.trustedService = true;
    }
    await next();
  };
}
