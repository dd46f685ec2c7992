import { createLogger } from '../../shared/infra/telemetry/logger.js';
import type { Metrics } from '../../shared/infra/telemetry/metrics/metrics.js';
import { DeadLetterRepository } from '../../shared/domain/repositories/dead-letter.repository.js';
import { createMysqlPool } from '../../shared/infra/databases/mysql-pool.js';
import { createWorkers } from '../../workers/create-workers.js';
import type { Pipeline } from './pipeline.js';

/**
 * The pipeline's workers, but with a MySQL that is not there (port 1): every
 * attempt of a MySQL write fails. By default the dead-letter store stays on
 * the real MySQL (as if only the resource's table were broken), so a job
 * ends in the failed set, its dead letter kept, once its attempts are used
 * up; with `deadLetters: 'unreachable'` the dead letters cannot be kept
 * either (MySQL down for good), so no job fails for good: each waits, delayed.
 */
export function startWorkersWithoutMysql(
  pipeline: Pipeline,
  options: { metrics?: Metrics; deadLetters?: 'reachable' | 'unreachable' } = {},
): { close(): Promise<void> } {
  const unreachable = createMysqlPool({
    url: 'mysql://spillway:spillway@127.0.0.1:1/none',
    poolSize: 1,
  });
  const deadLetters = new DeadLetterRepository(
    options.deadLetters === 'unreachable' ? unreachable : pipeline.connections.mysql,
  );
  const workers = createWorkers(
    pipeline.config,
    { ...pipeline.connections, mysql: unreachable },
    createLogger({ level: 'silent', name: 'broken' }),
    { metrics: options.metrics, deadLetters },
  );
  return {
    async close() {
      await workers.close();
      await unreachable.end();
    },
  };
}
