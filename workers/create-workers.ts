import { Worker, type Job } from 'bullmq';
import type { Metrics } from '../shared/infra/telemetry/metrics/metrics.js';
import type { Config } from '../config/index.js';
import type { Connections } from '../shared/infra/process/connections.js';
import type { Logger } from '../shared/infra/telemetry/logger.js';
import { ReadThroughCache } from '../shared/infra/cache/read-through-cache.js';
import { QUEUE_NAMES, type QueueName } from '../shared/infra/queues/queue-names.js';
import { closeQueues, shardNamesOf } from '../shared/infra/queues/queues.js';
import { createQueue, type ChangeEventQueues } from '../shared/domain/resources/resource-queues.js';
import type { QueueShards, ShardedQueue } from '../shared/infra/queues/sharded-queue.js';
import type { ChangeEvent, ReplicateJob } from '../shared/domain/writes/write-jobs.js';
import {
  batchingOf,
  type QueueConsumer,
  type WorkerContext,
  type WorkerHooks,
} from './worker-module.js';
import { consumedQueues, workerModules } from './worker-registry.js';
import { CREATED_RESOURCES } from '../shared/domain/resources/registry.js';
import type { AnyCreatedResource } from '../shared/domain/resources/created-resource.js';
import { unionOf, type Dependency } from '../shared/infra/process/readiness.js';
import { workerSlots } from './split-concurrency.js';
import { queueTelemetry } from '../shared/infra/telemetry/tracing/bullmq-telemetry.js';
import type { DeadLetterStore } from '../shared/infra/queues/dead-letters.js';
import { DeadLetterRepository } from '../shared/domain/repositories/dead-letter.repository.js';
import { DeadLetterGuard } from './dead-letter-guard.js';

export type { WorkerHooks } from './worker-module.js';

/** Times a job may stall (lose its lock mid-run) before it is failed; BullMQ's default is 1. */
const STALLED_RETRIES = 5;

export interface RunningWorkers {
  readonly workers: readonly Worker[];
  /**
   * Producers of the queues this process consumes and of those its consumers
   * publish change events to; read for the queue-depth metric.
   */
  readonly queues: readonly QueueShards[];
  /** The stores its modules use: its probe is not ready while one does not answer. */
  readonly dependencies: readonly Dependency[];
  /** Stops taking jobs, lets the active ones finish, then closes the producers. Safe to call twice. */
  close(): Promise<void>;
}

/** Whether a queue's jobs are accepted writes (their job is added when the API answers). */
function isIntakeQueue(queue: QueueName): boolean {
  return queue !== QUEUE_NAMES.replicate && queue !== QUEUE_NAMES.notify;
}

function observeJob(
  metrics: Metrics | undefined,
  queue: QueueName,
  outcome: string,
  job: Job,
): void {
  if (!metrics || job.processedOn === undefined) return;
  const finishedOn = job.finishedOn ?? Date.now();
  metrics.jobDuration.observe(
    { queue, outcome },
    Math.max(0, (finishedOn - job.processedOn) / 1000),
  );
  // A completed intake job is a committed write; `timestamp` is when it was added, at accept
  // (its first attempt, so retries count in the wait).
  if (outcome === 'completed' && isIntakeQueue(queue))
    metrics.acceptToPersisted.observe({ queue }, Math.max(0, (finishedOn - job.timestamp) / 1000));
}

/** What a process's workers are started with beyond config, connections and logger. */
export interface WorkerOptions {
  hooks?: WorkerHooks;
  metrics?: Metrics;
  /** Where jobs that fail for good are kept; MySQL's dead_letters table by default. */
  deadLetters?: DeadLetterStore;
  /** The created resources to persist and replicate: this build's registry unless a test adds one. */
  resources?: readonly AnyCreatedResource[];
}

/**
 * The producers a process opens, one per queue, each when first used: a
 * process running no persist queue, or customers with e-mail off, never opens
 * the producer it does not publish to.
 */
function producersOn(
  config: Config,
  connections: Connections,
  resources: readonly AnyCreatedResource[],
) {
  const producers = new Map<QueueName, ShardedQueue<unknown>>();
  const producer = <T>(name: QueueName): ShardedQueue<T> => {
    const queue =
      producers.get(name) ?? createQueue(config, connections.queueRedis, name, resources);
    producers.set(name, queue);
    return queue as ShardedQueue<T>;
  };
  const changeEvents: ChangeEventQueues = {
    get replicate() {
      return producer<ReplicateJob>(QUEUE_NAMES.replicate);
    },
    get notify() {
      return producer<ChangeEvent>(QUEUE_NAMES.notify);
    },
  };
  return { producer, changeEvents, opened: () => [...producers.values()] };
}

/**
 * A queue's workers, over all its shards, share its processor (and so its
 * group committer) and its concurrency. A consumer with a small concurrency of
 * its own (e-mail) has one worker per shard.
 */
function workerSlotsOf(config: Config, consumers: readonly QueueConsumer[]) {
  return consumers.flatMap((consumer) =>
    (consumer.concurrency === undefined
      ? workerSlots(
          config.worker.concurrency,
          config.worker.instances,
          shardNamesOf(config, consumer.queue),
        )
      : workerSlots(consumer.concurrency, 1, shardNamesOf(config, consumer.queue))
    ).map((slot) => ({ ...consumer, ...slot })),
  );
}

/** Metrics and logs of one worker's jobs. */
function observeWorker(
  worker: Worker,
  queue: QueueName,
  metrics: Metrics | undefined,
  log: Logger,
) {
  worker.on('completed', (job) => observeJob(metrics, queue, 'completed', job));
  worker.on('failed', (job, error) => {
    if (job) observeJob(metrics, queue, 'failed', job);
    // BullMQ stamps finishedOn only when the job leaves for the failed set, not on a retry.
    if (typeof job?.finishedOn === 'number') metrics?.jobsFailed.inc({ queue });
    log.warn(
      {
        queue,
        jobId: job?.id,
        requestId: job?.data?.requestId,
        attempts: job?.attemptsMade,
        err: error.message,
      },
      'job failed',
    );
  });
  worker.on('error', (error) => log.error({ queue, err: error.message }, 'worker error'));
}

/**
 * Stops taking jobs and lets the active ones finish within most of the
 * shutdown deadline; past that they are handed back (their locks lapse,
 * another worker retries them, idempotently).
 */
async function closeWithin(workers: readonly Worker[], patience: number, log: Logger) {
  await Promise.all(
    workers.map(async (worker) => {
      let timer: NodeJS.Timeout | undefined;
      const tooSlow = new Promise<'slow'>((resolve) => {
        timer = setTimeout(() => resolve('slow'), patience);
      });
      const outcome = await Promise.race([worker.close(), tooSlow]);
      clearTimeout(timer);
      // BullMQ cannot force a close already begun (a second close() returns the
      // first one's promise), so stop waiting for it instead.
      if (outcome === 'slow')
        log.warn({ queue: worker.name }, 'active jobs handed back at shutdown');
    }),
  );
}

/** One BullMQ worker on one shard, its failures kept as dead letters and observed. */
function startWorker(
  slot: {
    queue: QueueName;
    shard: string;
    processor: QueueConsumer['processor'];
    concurrency: number;
  },
  deps: {
    config: Config;
    connections: Connections;
    deadLetters: DeadLetterGuard;
    telemetry: ReturnType<typeof queueTelemetry>;
    metrics: Metrics | undefined;
    log: Logger;
  },
): Worker {
  const { config } = deps;
  const worker = new Worker(slot.shard, deps.deadLetters.guard(slot.queue, slot.processor), {
    connection: deps.connections.queueRedis,
    prefix: config.queue.prefix,
    concurrency: slot.concurrency,
    // A killed worker's jobs are retried by another after the lock lapses (§5).
    lockDuration: config.worker.lockMs,
    stalledInterval: config.worker.lockMs,
    // A job is stalled when its lock lapses: a killed worker, or a queue master that
    // failed over before the lock renewal reached its replica. Running it again is
    // safe (every write is idempotent), so a few stalls are retried, not failed.
    maxStalledCount: STALLED_RETRIES,
    // Each job's processing joins the trace of the request that enqueued it.
    telemetry: deps.telemetry,
  });
  deps.deadLetters.watch(slot.queue, worker);
  observeWorker(worker, slot.queue, deps.metrics, deps.log);
  return worker;
}

/**
 * Starts BullMQ workers (`WORKER_INSTANCES` per queue) for the consumers of the
 * queues it runs (WORKER_QUEUES; every one when unset) on the given
 * connections. Throws a ConfigError, opening nothing, when WORKER_QUEUES names
 * a queue the given resources do not make.
 */
export function createWorkers(
  config: Config,
  connections: Connections,
  logger: Logger,
  options: WorkerOptions = {},
): RunningWorkers {
  const { metrics } = options;
  const resources = options.resources ?? CREATED_RESOURCES;
  // A queue name it has no module for throws here, before a producer or worker is opened.
  const registry = workerModules(resources);
  const queues = new Set(consumedQueues(config.worker.queues, registry));
  const producers = producersOn(config, connections, resources);
  const log = logger.child({ component: 'worker' });
  const context: WorkerContext = {
    config,
    connections,
    logger: log,
    cache: new ReadThroughCache(connections.cacheRedis, config.cache),
    queues: producers.changeEvents,
    hooks: {
      onBatch: (queue, size) => {
        metrics?.groupCommitBatchSize.observe({ queue }, size);
        options.hooks?.onBatch?.(queue, size);
      },
    },
    resources,
  };
  // Only the modules of the queues this process runs are built: building one starts
  // its side work too (the customers outbox relay), which only its drain stops.
  const modules = [...registry].filter(([queue]) => queues.has(queue)).map(([, module]) => module);
  const consumers: QueueConsumer[] = modules.flatMap((module) => module.build(context));
  for (const { queue } of consumers) {
    // This process's /metrics reports the backlog of what it consumes as well.
    producers.producer(queue);
    // From 0: a counter first seen at 1 has no increase for the alert to see.
    metrics?.jobsFailed.inc({ queue }, 0);
  }
  const telemetry = queueTelemetry(config.tracing.enabled);
  // A job that fails for good is kept in the dead-letter store before the failed set can trim it.
  const deadLetters = new DeadLetterGuard({
    store: options.deadLetters ?? new DeadLetterRepository(connections.mysql),
    logger: log,
    backoffMs: config.queue.backoffMs,
    ...batchingOf(config),
    resources,
  });
  const workers = workerSlotsOf(config, consumers).map((slot) =>
    startWorker(slot, { config, connections, deadLetters, telemetry, metrics, log }),
  );

  let closing: Promise<void> | undefined;
  return {
    workers,
    // Every consumer takes its jobs from the queue Redis.
    dependencies: unionOf(['redis_queue'], ...modules.map((module) => module.dependencies)),
    get queues() {
      return producers.opened();
    },
    close: () =>
      (closing ??= (async () => {
        await closeWithin(workers, Math.floor(config.shutdownTimeoutMs * 0.6), log);
        await Promise.all(consumers.map((c) => c.drain()));
        await deadLetters.drain();
        await closeQueues(producers.opened());
      })()),
  };
}
