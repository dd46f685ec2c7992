import Koa from 'koa';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics/metrics.js';
import type { ReadinessCheck } from '../process/readiness-check.js';
import { healthRoutes } from './health.routes.js';
import { metricsRoutes } from './metrics.routes.js';

/** The small listener of a process without an API (workers, cron): health, readiness, metrics. */
export function createProbeApp(options: {
  logger: Logger;
  metrics: Metrics;
  readiness: Record<string, ReadinessCheck>;
}): Koa {
  const app = new Koa();
  for (const router of [healthRoutes(options.readiness), metricsRoutes(options.metrics.registry)]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  app.on('error', (error: Error) => options.logger.error({ err: error }, 'probe app error'));
  return app;
}
