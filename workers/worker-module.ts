import type { Processor } from 'bullmq';
import type { Config } from '../config/index.js';
import type { ReadThroughCache } from '../shared/infra/cache/read-through-cache.js';
import type { Connections } from '../shared/infra/process/connections.js';
import type { QueueName } from '../shared/infra/queues/queue-names.js';
import type { ChangeEventQueues } from '../shared/domain/resources/resource-queues.js';
import type { Logger } from '../shared/infra/telemetry/logger.js';
import type { Dependency } from '../shared/infra/process/readiness.js';
import type { AnyCreatedResource } from '../shared/domain/resources/created-resource.js';

export interface WorkerHooks {
  /** Called with the size of every group-committed batch, per queue. */
  readonly onBatch?: (queue: string, size: number) => void;
}

/** What every consumer is built from. */
export interface WorkerContext {
  readonly config: Config;
  readonly connections: Connections;
  readonly logger: Logger;
  readonly cache: ReadThroughCache;
  /** Producers for the change events consumers publish; each is opened on first use. */
  readonly queues: ChangeEventQueues;
  readonly hooks: WorkerHooks;
  /** The created resources this process persists and replicates. */
  readonly resources: readonly AnyCreatedResource[];
}

/** One queue's processor, and how to flush what it batches before shutdown. */
export interface QueueConsumer {
  readonly queue: QueueName;
  readonly processor: Processor;
  /** Jobs in progress at once; WORKER_CONCURRENCY unless the consumer needs fewer. */
  readonly concurrency?: number;
  drain(): Promise<void>;
}

/** A set of consumers; a new kind of job is one module in the registry. */
export interface WorkerModule {
  readonly name: string;
  /** The stores its consumers read and write: a worker running it is not ready without them. */
  readonly dependencies: readonly Dependency[];
  build(context: WorkerContext): QueueConsumer[];
}

/** Group-commit bounds from configuration. */
export function batchingOf(config: Config): { maxBatch: number; maxWaitMs: number } {
  return {
    maxBatch: config.worker.groupCommitMaxBatch,
    maxWaitMs: config.worker.groupCommitMaxWaitMs,
  };
}
