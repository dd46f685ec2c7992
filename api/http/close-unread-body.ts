import type { Middleware } from 'koa';

/**
 * A request answered before its body was read whole (a 413, a refused bulk
 * request, a streamed body given up on) leaves bytes on its connection that
 * the next request on it would be parsed from: such a connection is closed
 * after the answer (`Connection: close`) instead of kept alive.
 */
export function closeUnreadBody(): Middleware {
  return async function closeConnectionsWithUnreadBodies(ctx, next) {
    try {
      await next();
    } finally {
      if (!ctx.req.complete && !ctx.headerSent) ctx.set('Connection', 'close');
    }
  };
}
