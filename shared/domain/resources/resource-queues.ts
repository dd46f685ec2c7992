import type { JobsOptions } from 'bullmq';
import type { Config } from '../../../config/index.js';
import type { RedisClient } from '../../infra/redis/redis-client.js';
import { openQueue } from '../../infra/queues/queues.js';
import { QUEUE_NAMES, type QueueName } from '../../infra/queues/queue-names.js';
import type { ShardedQueue, ShardKeyOf } from '../../infra/queues/sharded-queue.js';
import type { ChangeEvent, PersistCustomerJob, ReplicateJob } from '../writes/write-jobs.js';
import type { PersistOrderJob } from '../writes/order-jobs.js';
import type { AnyCreatedResource } from './created-resource.js';
import { CREATED_RESOURCES, KEYED_RESOURCES } from './registry.js';
import { keyOfJob } from './keyed-resource.js';

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

/** The producers a worker's consumers publish change events with. */
export type ChangeEventQueues = Pick<SpillwayQueues, 'replicate' | 'notify'>;

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

/**
 * The name of every queue a process given `resources` (the created ones it
 * runs, this build's registry unless a test adds one) has: each created
 * resource's persist queue, each keyed resource's queue, and the change
 * events' (`replicate`, `notify`). The queues createQueues makes, by name.
 */
export function queueNamesOf(
  resources: readonly AnyCreatedResource[] = CREATED_RESOURCES,
): QueueName[] {
  return [
    ...resources.map((resource) => resource.queue),
    ...KEYED_RESOURCES.map((resource) => resource.queue),
    QUEUE_NAMES.replicate,
    QUEUE_NAMES.notify,
  ];
}

/**
 * A producer for one queue of the resources (`resources`: the created ones a
 * process runs, this build's registry unless a test adds one), sharded by the
 * id of the resource its jobs write (shared/infra/queues/queues.ts: openQueue).
 */
export function createQueue(
  config: Config,
  connection: RedisClient,
  name: QueueName,
  resources: readonly AnyCreatedResource[] = CREATED_RESOURCES,
): ShardedQueue<unknown> {
  return openQueue(config, connection, name, shardKeyOf(name, resources));
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
