import { createLogger } from '../../shared/logger.js';
import type { Metrics } from '../../shared/metrics/metrics.js';
import { createMysqlPool } from '../../shared/repositories/mysql-pool.repository.js';
import { createWorkers } from '../../workers/create-workers.js';
import type { Pipeline } from './pipeline.js';

/**
 * The pipeline's workers, but with a MySQL that is not there (port 1): every
 * attempt of a MySQL write fails, so its job ends in the failed set once its
 * attempts are used up.
 */
export function startWorkersWithoutMysql(
  pipeline: Pipeline,
  options: { metrics?: Metrics } = {},
): { close(): Promise<void> } {
  const unreachable = createMysqlPool({
    url: 'mysql://spillway:spillway@127.0.0.1:1/none',
    poolSize: 1,
  });
  const workers = createWorkers(
    pipeline.config,
    { ...pipeline.connections, mysql: unreachable },
    createLogger({ level: 'silent', name: 'broken' }),
    options,
  );
  return {
    async close() {
      await workers.close();
      await unreachable.end();
    },
  };
}
