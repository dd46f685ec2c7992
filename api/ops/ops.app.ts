import Koa from 'koa';
import Router from '@koa/router';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { KoaAdapter } from '@bull-board/koa';
import type { QueueShards } from '../../shared/infra/queues/sharded-queue.js';
import type { Logger } from '../../shared/infra/telemetry/logger.js';
import { boardAccess, type BoardLogins } from './board-access.js';
import type { Metrics } from '../../shared/infra/telemetry/metrics/metrics.js';
import { apiDocsRoutes } from '../http/api-docs.routes.js';
import { closeUnreadBody } from '../http/close-unread-body.js';
import { errorHandler, notFoundFallback } from '../http/error-handler.js';
import { healthRoutes } from '../../shared/infra/http/health.routes.js';
import type { ReadinessCheck } from '../../shared/infra/process/readiness-check.js';
import { metricsRoutes } from '../../shared/infra/http/metrics.routes.js';
import { requestId, type RequestState } from '../http/request-id.js';
import type { DeadLettersService } from '../../shared/domain/dead-letters/dead-letters.service.js';
import { watchDeadLetters } from '../../shared/infra/telemetry/metrics/dead-letters.metric.js';
import { DEAD_LETTERS_PATH, deadLettersRoutes } from './dead-letters.routes.js';

export const BOARD_PATH = '/admin/queues';

export interface OpsAppOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Every queue; the board lists each of its shards. */
  readonly queues: readonly QueueShards[];
  /** The full role and, when configured, the read-only one (board-access.ts). */
  readonly board: BoardLogins;
  readonly readiness: Record<string, ReadinessCheck>;
  /** Each service's OpenAPI document, served at `/docs/<service>/` for browsers. */
  readonly documents: ReadonlyMap<string, object>;
  /** Writes whose job failed for good: searched and re-driven here, counted in the metrics. */
  readonly deadLetters: DeadLettersService;
}

/**
 * The operations port: Bull Board behind basic auth (retrying failed jobs
 * included), the dead-letter store behind the same credentials, every
 * service's API docs (browsers cannot open port 6000), and the process's
 * health, readiness and metrics (`spillway_dead_letters` among them).
 */
export function createOpsApp(options: OpsAppOptions): Koa<RequestState> {
  const app = new Koa<RequestState>();
  app.use(requestId(options.logger));
  // Bull Board parses bodies itself (1 MB JSON limit): its 413s leave bodies unread too.
  app.use(closeUnreadBody());
  app.use(errorHandler());
  app.use(notFoundFallback());

  watchDeadLetters(options.metrics.registry, () => options.deadLetters.countOpenByResource());
  const requireCredentials = boardAccess(options.board, 'Spillway operations');
  const index = new Router();
  index.get('/', (ctx) => {
    ctx.body = {
      board: BOARD_PATH,
      dead_letters: DEAD_LETTERS_PATH,
      docs: [...options.documents.keys()].map((name) => `/docs/${name}/`),
      health: '/health',
      ready: '/ready',
      metrics: '/metrics',
    };
  });
  const routers = [
    index,
    healthRoutes(options.readiness),
    metricsRoutes(options.metrics.registry),
    deadLettersRoutes(options.deadLetters, requireCredentials),
  ];
  for (const [name, document] of options.documents) {
    routers.push(apiDocsRoutes(document, { base: `/docs/${name}`, title: `Spillway ${name}` }));
  }
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }

  const serverAdapter = new KoaAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: options.queues.flatMap(({ shards }) => shards.map((shard) => new BullMQAdapter(shard))),
    serverAdapter,
  });
  const board = serverAdapter.registerPlugin();
  app.use(async function guardBoard(ctx, next) {
    if (ctx.path !== BOARD_PATH && !ctx.path.startsWith(`${BOARD_PATH}/`)) return next();
    await requireCredentials(ctx, () => board(ctx, next));
  });
  return app;
}
