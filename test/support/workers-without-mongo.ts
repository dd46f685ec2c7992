import mongoose from 'mongoose';
import { createLogger } from '../../shared/infra/telemetry/logger.js';
import type { Metrics } from '../../shared/infra/telemetry/metrics/metrics.js';
import { DeadLetterRepository } from '../../shared/domain/repositories/dead-letter.repository.js';
import { createMysqlPool } from '../../shared/infra/databases/mysql-pool.js';
import { createWorkers } from '../../workers/create-workers.js';
import type { Pipeline } from './pipeline.js';

/**
 * The pipeline's workers, but with a Mongo that is not there (port 1, no
 * command buffering): every attempt of a Mongo write (orders, replication)
 * fails at once, so a job fails for good once its attempts are used up. The
 * dead letters go to the real MySQL, or with `mysql: 'unreachable'` to a
 * MySQL that is not there either.
 */
export function startWorkersWithoutMongo(
  pipeline: Pipeline,
  options: { metrics?: Metrics; mysql?: 'reachable' | 'unreachable' } = {},
): { close(): Promise<void> } {
  const mongo = mongoose.createConnection('mongodb://127.0.0.1:1/none', {
    bufferCommands: false,
    serverSelectionTimeoutMS: 200,
  });
  mongo.on('error', () => undefined);
  mongo.asPromise().catch(() => undefined);
  const unreachableMysql =
    options.mysql === 'unreachable'
      ? createMysqlPool({ url: 'mysql://spillway:spillway@127.0.0.1:1/none', poolSize: 1 })
      : undefined;
  const mysql = unreachableMysql ?? pipeline.connections.mysql;
  const workers = createWorkers(
    pipeline.config,
    { ...pipeline.connections, mongo, mysql },
    createLogger({ level: 'silent', name: 'broken' }),
    { metrics: options.metrics, deadLetters: new DeadLetterRepository(mysql) },
  );
  return {
    async close() {
      await workers.close();
      await unreachableMysql?.end();
      await mongo.close();
    },
  };
}
