import { createOpsApp } from '../../api/ops/ops.app.js';
import { DeadLettersService } from '../../shared/domain/dead-letters/dead-letters.service.js';
import { listen, type Listening } from '../../shared/infra/http/listen.js';
import { DeadLetterRepository } from '../../shared/domain/repositories/dead-letter.repository.js';
import { createLogger } from '../../shared/infra/telemetry/logger.js';
import { readinessChecks } from '../../shared/infra/process/readiness.js';
import type { Pipeline } from './pipeline.js';

/** The ops listener (Bull Board, dead letters, docs, probes) over a running test pipeline. */
export async function startOps(pipeline: Pipeline): Promise<Listening> {
  const deadLetters = new DeadLettersService(
    pipeline.config,
    new DeadLetterRepository(pipeline.connections.mysql),
    pipeline.connections.queueProducer,
  );
  const listening = await listen(
    createOpsApp({
      logger: createLogger({ level: 'silent', name: 'test-ops' }),
      metrics: pipeline.apps.metrics,
      queues: pipeline.apps.queues,
      board: pipeline.config.board,
      readiness: readinessChecks(pipeline.connections, pipeline.apps.dependencies),
      documents: pipeline.apps.documents,
      deadLetters,
    }),
    pipeline.config.ops,
    pipeline.config.httpServer,
  );
  return {
    ...listening,
    async close() {
      await listening.close();
      await deadLetters.close();
    },
  };
}

export function basicAuthHeader(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}
