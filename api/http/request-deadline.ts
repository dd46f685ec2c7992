import type { Middleware } from 'koa';

const TOO_SLOW = JSON.stringify({
  result: false,
  code: 'SPW_BODY_INCOMPLETE',
  errors: ['the request body did not arrive in time'],
});

/**
 * The short request deadline of every route that does not stream a large
 * body (`longPaths`: bulk intake, CSV import, which keep the listener's long
 * HTTP_REQUEST_TIMEOUT_MS): a request whose body has not fully arrived
 * `timeoutMs` after its headers is answered 408 and its connection closed, so
 * slow single-write bodies cannot hold sockets for the bulk routes' 15 minutes.
 */
export function requestDeadline(options: {
  readonly timeoutMs: number;
  readonly longPaths: readonly string[];
}): Middleware {
  const longPaths = new Set(options.longPaths);
  return async function boundRequestTime(ctx, next) {
    const { req, res } = ctx;
    if (req.complete || longPaths.has(ctx.path)) return next();
    const timer = setTimeout(() => {
      if (req.complete) return;
      if (!res.headersSent) {
        res.writeHead(408, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(TOO_SLOW),
          connection: 'close',
        });
        res.end(TOO_SLOW);
      }
      // The rest of the body is never read: the connection cannot carry another request.
      res.once('finish', () => req.socket.destroy());
      if (res.writableFinished) req.socket.destroy();
    }, options.timeoutMs);
    timer.unref();
    try {
      await next();
    } finally {
      clearTimeout(timer);
    }
  };
}
