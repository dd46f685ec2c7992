import type { Middleware } from 'koa';
import type { Logger } from '../../shared/logger.js';
import type { Metrics } from '../../shared/metrics/metrics.js';
import type { RequestState } from './request-id.js';

/**
 * Times every request into the duration histogram (labelled by the matched
 * route, never the raw path, so label cardinality stays bounded) and writes
 * one access log line carrying the request id.
 */
export function observeRequests(
  service: string,
  metrics: Metrics,
  logger: Logger,
): Middleware<RequestState> {
  return async function timeAndLogRequest(ctx, next) {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      metrics.httpRequestDuration.observe(
        { service, method: ctx.method, route: String(route), status: String(ctx.status) },
        seconds,
      );
      // The root logger with the id as the first field: the same line a child
      // logger bound to the id writes, without making one per request.
      logger.info(
        {
          requestId: ctx.state.requestId,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Math.round(seconds * 1000),
        },
        'request',
      );
    }
  };
}
