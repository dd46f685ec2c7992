import { Queue, QueueEvents, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Config } from '../../../config/index.js';
import type { RedisClient } from '../redis/redis-client.js';
import { queueShardNames } from '../redis/redis-keys.js';
import { QUEUE_NAMES, type QueueName } from './queue-names.js';
import { replicaAck } from './replica-ack.js';
import { ShardedQueue, type QueueShards, type ShardKeyOf } from './sharded-queue.js';
import { queueTelemetry } from '../telemetry/tracing/bullmq-telemetry.js';

/**
 * A process's producers as the domain groups them (SpillwayQueues of
 * shared/domain/resources/resource-queues.ts): the created resources' by
 * entity, and every other field one fixed queue.
 */
export interface QueueSet {
  readonly created: Readonly<Record<string, QueueShards>>;
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
 * add acknowledged once a replica holds it (REDIS_QUEUE_WAIT_REPLICAS), each
 * job in the shard `shardKey` picks. The domain says what a queue's jobs are
 * sharded by (shared/domain/resources/resource-queues.ts: createQueue).
 */
export function openQueue(
  config: Config,
  connection: RedisClient,
  name: QueueName,
  shardKey: ShardKeyOf<unknown>,
): ShardedQueue<unknown> {
  const options = {
    connection,
    prefix: config.queue.prefix,
    defaultJobOptions: jobOptionsOf(config, name),
    telemetry: queueTelemetry(config.tracing.enabled),
  };
  const shards = shardNamesOf(config, name).map((shard) => new Queue(shard, options));
  return new ShardedQueue(name, shards, shardKey, replicaAck(connection, config.redis.replicaAck));
}

/** Every producer of a set of queues, in one list. */
export function queueList(queues: QueueSet | readonly QueueShards[]): QueueShards[] {
  if (Array.isArray(queues)) return [...(queues as readonly QueueShards[])];
  const { created, ...fixed } = queues as QueueSet;
  return [...Object.values(created), ...(Object.values(fixed) as QueueShards[])];
}

export async function closeQueues(queues: QueueSet | readonly QueueShards[]): Promise<void> {
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
  queues: QueueSet | readonly QueueShards[],
  states: readonly ('waiting' | 'active' | 'delayed' | 'failed')[],
): Promise<Record<string, Record<string, number>>> {
  const all = queueList(queues);
  const counts = await Promise.all(all.map((queue) => queue.getJobCounts(...states)));
  return Object.fromEntries(all.map((queue, i) => [queue.name, counts[i] ?? {}]));
}
