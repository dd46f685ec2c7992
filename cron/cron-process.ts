import type { Config } from '../config/index.js';
import type { Tracing } from '../shared/infra/telemetry/tracing/tracing.js';
import { ReadThroughCache } from '../shared/infra/cache/read-through-cache.js';
import { closeConnections, openConnections } from '../shared/infra/process/connections.js';
import { RedisLock } from '../shared/infra/locks/redis-lock.js';
import { listen, shortRoutesOnly } from '../shared/infra/http/listen.js';
import { createProbeApp } from '../shared/infra/http/probe-app.js';
import { createLogger } from '../shared/infra/telemetry/logger.js';
import { createMetrics } from '../shared/infra/telemetry/metrics/metrics.js';
import { readinessChecks } from '../shared/infra/process/readiness.js';
import { OrderRepository } from '../shared/domain/repositories/order.repository.js';
import { exitOnSignals } from '../shared/infra/process/shutdown.js';
import {
  describePurge,
  PURGE_RUN_OUTCOMES,
  purgeOrders,
  type OrderPurgeDeps,
} from './purge-orders.js';
import { schedulePurge } from './purge-schedule.js';

/** The cron process: the order purge on its schedule (or once, `--once`), its probe, signal handling. */
export async function runCronProcess(
  config: Config,
  tracing: Tracing,
  argv: readonly string[],
): Promise<void> {
  // `--once`: purge now, print the count, exit (npm run purge-orders). Otherwise: run the schedule.
  const once = argv.includes('--once');
  const logger = createLogger({ level: config.logLevel, name: 'cron' });
  const connections = await openConnections(config);
  // The purge reads and deletes in Mongo, locks in the queue Redis, invalidates the cache.
  const readiness = () => readinessChecks(connections, ['redis_queue', 'redis_cache', 'mongo']);
  const metrics = createMetrics({ process: 'cron', readiness });
  const deps: OrderPurgeDeps = {
    orders: new OrderRepository(connections.mongo),
    cache: new ReadThroughCache(connections.cacheRedis, config.cache),
    lock: new RedisLock(connections.queueRedis, config.queue.prefix),
    logger,
    retentionHours: config.orders.retentionHours,
    batchSize: config.orders.purgeBatchSize,
    onPurged: (removed) => metrics.ordersPurged.inc(removed),
    onRun: (outcome) => {
      metrics.orderPurgeRuns.inc({ outcome });
      if (outcome === 'completed') metrics.orderPurgeLastCompleted.set(Date.now() / 1000);
    },
  };
  // Every outcome from 0: a counter that first appears at 1 has no increase to alert on.
  for (const outcome of PURGE_RUN_OUTCOMES) metrics.orderPurgeRuns.inc({ outcome }, 0);

  if (once) {
    try {
      process.stdout.write(`${describePurge(await purgeOrders(deps))}\n`);
    } finally {
      await closeConnections(connections);
      await tracing.shutdown();
    }
  } else {
    const purge = schedulePurge(deps, config.orders.purgeCron, logger);
    const probe = await listen(
      createProbeApp({ logger, metrics, readiness: readiness() }),
      config.cronOps,
      shortRoutesOnly(config.httpServer),
    );
    logger.info(
      {
        schedule: config.orders.purgeCron,
        retentionHours: config.orders.retentionHours,
        probe: probe.url,
      },
      'cron started',
    );
    exitOnSignals(
      [
        { name: 'stop the schedule, finish a running purge', run: () => purge.stop() },
        { name: 'close probe listener', run: () => probe.close() },
        { name: 'close connections', run: () => closeConnections(connections) },
        { name: 'send buffered traces', run: () => tracing.shutdown() },
      ],
      { timeoutMs: config.shutdownTimeoutMs, logger },
    );
  }
}
