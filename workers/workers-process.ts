import type { Config } from '../config/index.js';
import type { Tracing } from '../shared/infra/telemetry/tracing/tracing.js';
import { closeConnections, openConnections } from '../shared/infra/process/connections.js';
import { listen, shortRoutesOnly } from '../shared/infra/http/listen.js';
import { createProbeApp } from '../shared/infra/http/probe-app.js';
import { readQueueDepth } from '../shared/infra/queues/queues.js';
import { createLogger } from '../shared/infra/telemetry/logger.js';
import { createMetrics, WATCHED_JOB_STATES } from '../shared/infra/telemetry/metrics/metrics.js';
import { readinessChecks } from '../shared/infra/process/readiness.js';
import { exitOnSignals } from '../shared/infra/process/shutdown.js';
import { CREATED_RESOURCES } from '../shared/domain/resources/registry.js';
import { createWorkers } from './create-workers.js';
import { consumedQueues, workerModules } from './worker-registry.js';

/**
 * The workers process: every configured queue's consumers, the probe listener,
 * signal handling. Throws a ConfigError before opening a connection when
 * WORKER_QUEUES names a queue this build has no consumer for.
 */
export async function runWorkersProcess(config: Config, tracing: Tracing): Promise<void> {
  consumedQueues(config.worker.queues, workerModules(CREATED_RESOURCES));
  const logger = createLogger({ level: config.logLevel, name: 'workers' });
  const connections = await openConnections(config);
  // Read at scrape time only, after `running` exists.
  const metrics = createMetrics({
    process: 'workers',
    queueDepth: () => readQueueDepth(running.queues, WATCHED_JOB_STATES),
    readiness: () => readinessChecks(connections, running.dependencies),
  });
  const running = createWorkers(config, connections, logger, { metrics });
  const probe = await listen(
    createProbeApp({
      logger,
      metrics,
      readiness: readinessChecks(connections, running.dependencies),
    }),
    config.workerOps,
    shortRoutesOnly(config.httpServer),
  );
  logger.info(
    { queues: [...new Set(running.workers.map((w) => w.name))], probe: probe.url },
    'workers started',
  );

  exitOnSignals(
    [
      { name: 'finish active jobs', run: () => running.close() },
      { name: 'close probe listener', run: () => probe.close() },
      { name: 'close connections', run: () => closeConnections(connections) },
      { name: 'send buffered traces', run: () => tracing.shutdown() },
    ],
    { timeoutMs: config.shutdownTimeoutMs, logger },
  );
}
