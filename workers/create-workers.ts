import { Worker } from 'bullmq';
import type { Config } from '../config/index.js';
import type { Connections } from '../shared/connections.js';
import type { Logger } from '../shared/logger.js';
import { ReadThroughCache } from '../shared/cache/read-through-cache.js';
import { closeQueues, createQueues } from '../shared/jobs/queues.js';
import type { QueueConsumer, WorkerHooks } from './worker-module.js';
import { WORKER_MODULES } from './worker-registry.js';

export type { WorkerHooks } from './worker-module.js';

export interface RunningWorkers {
  readonly workers: readonly Worker[];
  /** Stops taking jobs, lets the active ones finish, then closes the producers. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts a BullMQ worker for every registered consumer on the given connections. */
export function createWorkers(
  config: Config,
  connections: Connections,
  logger: Logger,
  hooks: WorkerHooks = {},
): RunningWorkers {
  const queues = createQueues(config, connections.queueRedis);
  const log = logger.child({ component: 'worker' });
  const context = {
    config,
    connections,
    logger: log,
    cache: new ReadThroughCache(connections.cacheRedis, config.cache),
    queues,
    hooks,
  };
  const consumers: QueueConsumer[] = WORKER_MODULES.flatMap((module) => module.build(context));

  const workers = consumers.map(({ queue, processor }) => {
    const worker = new Worker(queue, processor, {
      connection: connections.queueRedis,
      prefix: config.queue.prefix,
      concurrency: config.worker.concurrency,
    });
    worker.on('failed', (job, error) =>
      log.warn(
        {
          queue,
          jobId: job?.id,
          requestId: job?.data?.requestId,
          attempts: job?.attemptsMade,
          err: error.message,
        },
        'job failed',
      ),
    );
    worker.on('error', (error) => log.error({ queue, err: error.message }, 'worker error'));
    return worker;
  });

  let closing: Promise<void> | undefined;
  return {
    workers,
    close: () =>
      (closing ??= (async () => {
        await Promise.all(workers.map((w) => w.close()));
        await Promise.all(consumers.map((c) => c.drain()));
        await closeQueues(queues);
      })()),
  };
}
