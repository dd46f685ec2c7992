import { Queue, QueueEvents, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Config } from '../../../config/index.js';
import type { RedisClient } from '../redis/redis-client.js';
import { queueShardNames } from '../redis/redis-keys.js';
import { QUEUE_NAMES, type QueueName } from './queue-names.js';
import { replicaAck } from './replica-ack.js';
import { ShardedQueue, type QueueShards, type ShardKeyOf } from './sharded-queue.js';
import type {
  ChangeEvent,
  PersistCustomerJob,
  ReplicateJob,
} from '../../domain/writes/write-jobs.js';
import type { PersistOrderJob } from '../../domain/writes/order-jobs.js';
import { queueTelemetry } from '../telemetry/tracing/bullmq-telemetry.js';
import type { AnyCreatedResource } from '../../domain/resources/created-resource.js';
import { CREATED_RESOURCES, KEYED_RESOURCES } from '../../domain/resources/registry.js';
import { keyOfJob } from '../../domain/resources/keyed-resource.js';

/** The queues of the keyed resources and of change events, each its own. */
interface FixedQueues {
  readonly persistCustomers: ShardedQueue<PersistCustomerJob>;
  readonly replicate: ShardedQueue<ReplicateJob>;
  readonly notify: ShardedQueue<ChangeEvent>;
  readonly persistOrders: ShardedQueue<PersistOrderJob>;
}

export interface SpillwayQueues extends FixedQueues {
  /** The persist queue of each created resource, by entity (`created.users`). */
  readonly created: Readonly<Record<string, ShardedQueue<unknown>>>;
}

/** A change event's document; a batch (one entity's group commit) is routed by its own id. */
function changeKey(data: ReplicateJob, opts: JobsOptions | undefined): string {
  return 'events' in data ? (opts?.jobId ?? '') : `${data.entity}:${data.key}`;
}

/**
 * What each queue's jobs are sharded by: the id of the resource they write,
 * so every version of one resource is in one shard, in order.
 */
const SHARD_KEYS: ReadonlyMap<QueueName, ShardKeyOf<unknown>> = new Map([
  ...KEYED_RESOURCES.map(
    (resource) => [resource.queue, (data: unknown) => String(keyOfJob(resource, data))] as const,
  ),
  [QUEUE_NAMES.replicate, changeKey as ShardKeyOf<unknown>],
  [QUEUE_NAMES.notify, changeKey as ShardKeyOf<unknown>],
]);

/** A created resource's jobs carry it under its key; they are sharded by its id. */
function createdShardKey(resource: AnyCreatedResource): ShardKeyOf<unknown> {
  return (data) => (data as Record<string, { id: number }>)[resource.resourceKey]!.id;
}

/** What a queue's jobs are sharded by: a fixed queue's own key, or a created resource's id. */
function shardKeyOf(
  name: QueueName,
  resources: readonly AnyCreatedResource[],
): ShardKeyOf<unknown> {
  const resource = resources.find((r) => r.queue === name);
  if (resource) return createdShardKey(resource);
  const fixed = SHARD_KEYS.get(name);
  if (!fixed) throw new Error(`no queue is named ${name}`);
  return fixed;
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

/** The BullMQ queues a logical queue is made of: one per shard, each with its own hash tag. */
export function shardNamesOf(config: Config, name: QueueName): string[] {
  return queueShardNames(config.queue.prefix, name, config.queue.shards);
}

/** One queue's retry policy: an e-mail is retried a few times only (NOTIFY_ATTEMPTS, default 3), then stays failed. */
function jobOptionsOf(config: Config, name: QueueName): JobsOptions {
  if (name !== QUEUE_NAMES.notify) return defaultJobOptions(config);
  return {
    ...defaultJobOptions(config),
    attempts: config.notify.attempts,
    backoff: { type: 'exponential', delay: config.notify.backoffMs },
  };
}

/**
 * A producer for one queue: its shards, with the queue's retry policy, each
 * add acknowledged once a replica holds it (REDIS_QUEUE_WAIT_REPLICAS).
 */
export function createQueue(
  config: Config,
  connection: RedisClient,
  name: QueueName,
  resources: readonly AnyCreatedResource[] = CREATED_RESOURCES,
): ShardedQueue<unknown> {
  const options = {
    connection,
    prefix: config.queue.prefix,
    defaultJobOptions: jobOptionsOf(config, name),
    telemetry: queueTelemetry(config.tracing.enabled),
  };
  const shards = shardNamesOf(config, name).map((shard) => new Queue(shard, options));
  return new ShardedQueue(
    name,
    shards,
    shardKeyOf(name, resources),
    replicaAck(connection, config.redis.replicaAck),
  );
}

/** Producers for every queue (one per created resource in `resources`), sharing one Redis connection. */
export function createQueues(
  config: Config,
  connection: RedisClient,
  resources: readonly AnyCreatedResource[] = CREATED_RESOURCES,
): SpillwayQueues {
  const queue = <T>(name: QueueName) =>
    createQueue(config, connection, name, resources) as ShardedQueue<T>;
  return {
    created: Object.fromEntries(resources.map((r) => [r.entity, queue(r.queue)])),
    persistCustomers: queue(QUEUE_NAMES.persistCustomers),
    replicate: queue(QUEUE_NAMES.replicate),
    notify: queue(QUEUE_NAMES.notify),
    persistOrders: queue(QUEUE_NAMES.persistOrders),
  };
}

/** Every producer of a set of queues, in one list. */
export function queueList(queues: SpillwayQueues | readonly QueueShards[]): QueueShards[] {
  if (Array.isArray(queues)) return [...(queues as readonly QueueShards[])];
  const { created, ...fixed } = queues as SpillwayQueues;
  return [...Object.values(created), ...Object.values(fixed)];
}

export async function closeQueues(queues: SpillwayQueues | readonly QueueShards[]): Promise<void> {
  await Promise.all(queueList(queues).map((queue) => queue.close()));
}

/** Completion events of one BullMQ queue (a shard), for `Prefer: wait` read-your-write answers. */
export function createQueueEvents(
  config: Config,
  connection: ConnectionOptions,
  shard: string,
  lastEventId?: string,
): QueueEvents {
  return new QueueEvents(shard, { connection, prefix: config.queue.prefix, lastEventId });
}

/** Job counts per queue for the states operators watch (queue-depth metric, backpressure). */
export async function readQueueDepth(
  queues: SpillwayQueues | readonly QueueShards[],
  states: readonly ('waiting' | 'active' | 'delayed' | 'failed')[],
): Promise<Record<string, Record<string, number>>> {
  const all = queueList(queues);
  const counts = await Promise.all(all.map((queue) => queue.getJobCounts(...states)));
  return Object.fromEntries(all.map((queue, i) => [queue.name, counts[i] ?? {}]));
}
