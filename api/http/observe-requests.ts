import type { Middleware } from 'koa';
import type { Logger } from '../../shared/infra/telemetry/logger.js';
import type { Metrics } from '../../shared/infra/telemetry/metrics/metrics.js';
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
  const { httpRequestDuration } = metrics;
  return async function timeAndLogRequest(ctx, next) {
    // A double, not hrtime.bigint(): two BigInts per request for a sub-µs clock nobody reads.
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = performance.now() - started;
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      httpRequestDuration.observe(
        { service, method: ctx.method, route: String(route), status: String(ctx.status) },
        ms / 1000,
      );
      // The root logger with the id as the first field: the same line a child
      // logger bound to the id writes, without making one per request.
      logger.info(
        {
          requestId: ctx.state.requestId,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Math.round(ms),
        },
        'request',
      );
    }
  };
}
