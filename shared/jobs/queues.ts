import { Queue, QueueEvents, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Config } from '../../config/index.js';
import { QUEUE_NAMES, type QueueName } from './queue-names.js';
import type {
  ChangeEvent,
  PersistCustomerJob,
  PersistListingJob,
  PersistPersonJob,
  PersistUserJob,
  ReplicateJob,
} from './job-payloads.js';
import type { PersistOrderJob } from './order-jobs.js';

export interface SpillwayQueues {
  readonly persistUsers: Queue<PersistUserJob>;
  readonly persistListings: Queue<PersistListingJob>;
  readonly persistCustomers: Queue<PersistCustomerJob>;
  readonly persistPeople: Queue<PersistPersonJob>;
  readonly replicate: Queue<ReplicateJob>;
  readonly notify: Queue<ChangeEvent>;
  readonly persistOrders: Queue<PersistOrderJob>;
}

/** Retries with exponential backoff; finished jobs are trimmed so Redis stays bounded. */
export function defaultJobOptions(config: Config): JobsOptions {
  return {
    attempts: config.queue.attempts,
    backoff: { type: 'exponential', delay: config.queue.backoffMs },
    removeOnComplete: { count: config.queue.keepCompleted },
    removeOnFail: { count: config.queue.keepFailed },
  };
}

/** The producers a worker's consumers publish change events with. */
export type ChangeEventQueues = Pick<SpillwayQueues, 'replicate' | 'notify'>;

/** A producer for one queue, with that queue's retry policy. */
export function createQueue(config: Config, connection: ConnectionOptions, name: QueueName): Queue {
  const options = {
    connection,
    prefix: config.queue.prefix,
    defaultJobOptions: defaultJobOptions(config),
  };
  if (name !== QUEUE_NAMES.notify) return new Queue(name, options);
  // An e-mail is retried a few times only (NOTIFY_ATTEMPTS, default 3), then stays failed.
  return new Queue(name, {
    ...options,
    defaultJobOptions: {
      ...options.defaultJobOptions,
      attempts: config.notify.attempts,
      backoff: { type: 'exponential', delay: config.notify.backoffMs },
    },
  });
}

/** Producers for every queue, sharing one Redis connection. */
export function createQueues(config: Config, connection: ConnectionOptions): SpillwayQueues {
  const queue = (name: QueueName) => createQueue(config, connection, name);
  return {
    persistUsers: queue(QUEUE_NAMES.persistUsers),
    persistListings: queue(QUEUE_NAMES.persistListings),
    persistCustomers: queue(QUEUE_NAMES.persistCustomers),
    persistPeople: queue(QUEUE_NAMES.persistPeople),
    replicate: queue(QUEUE_NAMES.replicate),
    notify: queue(QUEUE_NAMES.notify),
    persistOrders: queue(QUEUE_NAMES.persistOrders),
  };
}

export async function closeQueues(queues: SpillwayQueues | readonly Queue[]): Promise<void> {
  await Promise.all(Object.values(queues).map((queue: Queue) => queue.close()));
}

/** Completion events of one queue, for `Prefer: wait` read-your-write answers. */
export function createQueueEvents(
  config: Config,
  connection: ConnectionOptions,
  queue: QueueName,
  lastEventId?: string,
): QueueEvents {
  return new QueueEvents(queue, { connection, prefix: config.queue.prefix, lastEventId });
}

/** Job counts per queue for the states operators watch (queue-depth metric, backpressure). */
export async function readQueueDepth(
  queues: SpillwayQueues | readonly Queue[],
  states: readonly ('waiting' | 'active' | 'delayed' | 'failed')[],
): Promise<Record<string, Record<string, number>>> {
  const all = Object.values(queues) as Queue[];
  const counts = await Promise.all(all.map((queue) => queue.getJobCounts(...states)));
  return Object.fromEntries(all.map((queue, i) => [queue.name, counts[i] ?? {}]));
}
