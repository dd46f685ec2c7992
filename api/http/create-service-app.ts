import Koa from 'koa';
import type Router from '@koa/router';
import type { Logger } from '../../shared/logger.js';
import { parseBody } from './body-parser.js';
import { errorHandler, notFoundFallback } from './error-handler.js';
import { healthRoutes, type ReadinessCheck } from './health.routes.js';
import { requestId, type RequestState } from './request-id.js';

export interface ServiceAppOptions {
  readonly logger: Logger;
  readonly routers: readonly Router<RequestState>[];
  readonly readiness: Record<string, ReadinessCheck>;
  readonly bodyLimit?: string;
  /** Paths whose route reads the request body itself (streamed uploads). */
  readonly rawBodyPaths?: readonly string[];
}

/** A Koa app for one service: request id → errors → body → routes. Does not listen. */
export function createServiceApp(options: ServiceAppOptions): Koa<RequestState> {
  const app = new Koa<RequestState>();
  app.use(requestId(options.logger));
  app.use(errorHandler());
  app.use(notFoundFallback());
  const bodyParsers = parseBody({
    limit: options.bodyLimit ?? '64kb',
    rawPaths: options.rawBodyPaths,
  });
  for (const middleware of bodyParsers) app.use(middleware);
  for (const router of [healthRoutes(options.readiness), ...options.routers]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  app.on('error', (error: Error) => options.logger.error({ err: error }, 'unhandled app error'));
  return app;
}
