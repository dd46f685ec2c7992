import Koa, { type Context, type Middleware } from 'koa';
import compose from 'koa-compose';
import type Router from '@koa/router';
import type { Logger } from '../../shared/infra/telemetry/logger.js';
import type { Metrics } from '../../shared/infra/telemetry/metrics/metrics.js';
import {
  buildOpenApiDocument,
  type OperationDoc,
} from '../../shared/infra/openapi/openapi-document.js';
import { apiDocsRoutes } from './api-docs.routes.js';
import { limitBodyDepth } from './body-depth.js';
import { parseBody } from './body-parser.js';
import { keepInexactNumbers } from './exact-numbers.js';
import { COMMON_OPERATIONS } from './common-operations.js';
import { withWriteGuardDocs } from './write-guard-docs.js';
import { errorHandler, notFoundFallback } from './error-handler.js';
import type { ReadinessCheck } from '../../shared/infra/process/readiness-check.js';
import { observeRequests } from './observe-requests.js';
import { INSIGHT_PATHS, probeRoutes, servesInsight, type EdgeProbes } from './probe-routes.js';
import { requestDeadline } from './request-deadline.js';
import { requestId, type RequestState } from './request-id.js';
import { closeUnreadBody } from './close-unread-body.js';
import { conditionalGet } from './conditional-get.js';

export interface ServiceAppOptions {
  readonly name: string;
  readonly title: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly routers: readonly Router<RequestState>[];
  readonly operations: readonly OperationDoc[];
  readonly readiness: Record<string, ReadinessCheck>;
  /**
   * Set when this listener faces the internet: `/metrics` and `/ready` only
   * with the probe token (not at all without one), not in its document either.
   */
  readonly edge?: EdgeProbes;
  readonly bodyLimit?: string;
  /** Paths whose route reads the request body itself (streamed uploads). */
  readonly rawBodyPaths?: readonly string[];
  /**
   * Deadline for the whole request on every route but `rawBodyPaths` (which
   * keep the listener's long one): HTTP_SHORT_REQUEST_TIMEOUT_MS. Unset: none.
   */
  readonly shortRequestTimeoutMs?: number;
  /** MAX_PAGE_OFFSET: a page asked by number past it is a 400 pointing to `after=<cursor>`. */
  readonly maxPageOffset?: number;
  /** Paths whose body is read as JSON when it comes without a `Content-Type` (legacy clients). */
  readonly untypedJsonPaths?: readonly string[];
  /** `Cache-Control: max-age` of a successful read (CACHE_CONTROL_MAX_AGE). */
  readonly cacheControlMaxAge?: number;
  /** Take the client address from X-Forwarded-For (rate limits key on it). */
  readonly trustProxy?: boolean;
  /** Checks that need no body (service token, rate limit): they refuse before it is read. */
  readonly beforeBody?: readonly Middleware<RequestState>[];
  /**
   * Checks on the parsed write (idempotency, then backpressure), before the
   * routes. Like the body parser, they are skipped for a GET or HEAD without a body.
   */
  readonly afterBody?: readonly Middleware<RequestState>[];
}

/** The OpenAPI document of one service: its own operations and the common ones. */
export function serviceOpenApi(
  options: Pick<ServiceAppOptions, 'title' | 'operations' | 'edge'>,
): object {
  const common = servesInsight(options.edge)
    ? COMMON_OPERATIONS
    : COMMON_OPERATIONS.filter((operation) => !INSIGHT_PATHS.has(operation.path));
  return buildOpenApiDocument({
    title: options.title,
    version: '1.0.0',
    description:
      'Writes are validated, queued and answered 202 (201 with Prefer: wait); reads are cached.',
    operations: [...withWriteGuardDocs(options.operations), ...common],
  });
}

/**
 * A GET or HEAD that carries no body (no Content-Length, no Transfer-Encoding:
 * the test the body parser itself makes). Nothing in the body / write chain
 * acts on one, so reads skip that chain.
 */
function isBodylessRead(ctx: Context): boolean {
  const { method, headers } = ctx.req;
  return (
    (method === 'GET' || method === 'HEAD') &&
    headers['content-length'] === undefined &&
    headers['transfer-encoding'] === undefined
  );
}

/**
 * A Koa app for one service: request id → timing/logs → errors → guards
 * without a body → body → guards on the body → the service's routes, then
 * health, metrics and API docs. Does not listen.
 */
export function createServiceApp(options: ServiceAppOptions): Koa<RequestState> {
  const app = new Koa<RequestState>({ proxy: options.trustProxy ?? false });
  app.use(requestId(options.logger));
  // On the app's context prototype (Koa's place for per-app values), not set by
  // a middleware: only paged GETs read it, and a layer per request was paid by all.
  app.context.maxPageOffset = options.maxPageOffset;
  app.use(observeRequests(options.name, options.metrics, options.logger));
  app.use(closeUnreadBody());
  if (options.shortRequestTimeoutMs !== undefined) {
    app.use(
      requestDeadline({
        timeoutMs: options.shortRequestTimeoutMs,
        longPaths: options.rawBodyPaths ?? [],
      }),
    );
  }
  app.use(errorHandler());
  app.use(notFoundFallback());
  app.use(conditionalGet({ maxAgeSeconds: options.cacheControlMaxAge ?? 0 }));
  const probes = probeRoutes(options.readiness, options.metrics.registry, options.edge);
  if (probes.guard) app.use(probes.guard);
  for (const middleware of options.beforeBody ?? []) app.use(middleware);
  const bodyParsers = parseBody({
    limit: options.bodyLimit ?? '64kb',
    rawPaths: options.rawBodyPaths,
    untypedJsonPaths: options.untypedJsonPaths,
  });
  // The depth bound runs before anything walks the body (the idempotency fingerprint).
  const writeChain = compose([
    ...bodyParsers,
    limitBodyDepth(),
    keepInexactNumbers(),
    ...(options.afterBody ?? []),
  ]);
  app.use(function parseAndCheckWrites(ctx, next) {
    return isBodylessRead(ctx) ? next() : writeChain(ctx, next);
  });
  // The service's routes first: the hot read path then never walks the
  // operational routers. No path is served by two routers, so order is free.
  const routers = [
    ...options.routers,
    ...probes.routers,
    apiDocsRoutes(serviceOpenApi(options), { base: '/api', title: options.title }),
  ];
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  app.on('error', (error: Error) => options.logger.error({ err: error }, 'unhandled app error'));
  return app;
}
