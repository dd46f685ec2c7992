import { createOpsApp } from '../../api/ops/ops.app.js';
import { listen, type Listening } from '../../shared/http/listen.js';
import { createLogger } from '../../shared/logger.js';
import { readinessChecks } from '../../shared/readiness.js';
import type { Pipeline } from './pipeline.js';

/** The ops listener (Bull Board, docs, probes) over a running test pipeline. */
export async function startOps(pipeline: Pipeline): Promise<Listening> {
  return listen(
    createOpsApp({
      logger: createLogger({ level: 'silent', name: 'test-ops' }),
      metrics: pipeline.apps.metrics,
      queues: pipeline.apps.queues,
      board: pipeline.config.board,
      readiness: readinessChecks(pipeline.connections, pipeline.apps.dependencies),
      documents: pipeline.apps.documents,
    }),
    pipeline.config.ops,
    pipeline.config.httpServer,
  );
}

export function basicAuthHeader(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}
