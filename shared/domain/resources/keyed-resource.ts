import type { QueueName } from '../../infra/queues/queue-names.js';

/**
 * A resource whose writes are versions of one key applied in order (§9): it
 * has creates, updates and deletes, each job carrying the state at its
 * version under `resourceKey`. Its persist queue is sharded by that key, so
 * every version of one key is in one shard. What applies the versions
 * (key heads, the ordered apply, customers' username claims and events,
 * orders' retention) is the resource's own.
 */
export interface KeyedResource {
  /** Its cache collection and change-event entity. */
  readonly entity: 'customers' | 'orders';
  /** The field its jobs carry the state in (`customer`). */
  readonly resourceKey: string;
  /** The state's key field (`uuid`); a job's shard and dead-letter address are its value. */
  readonly keyField: string;
  /** Its persist queue. */
  readonly queue: QueueName;
  /** The schema its persist jobs are checked against by the worker. */
  readonly jobSchema: object;
}

/** The key a keyed resource's job writes: its state's key field. */
export function keyOfJob(resource: KeyedResource, data: unknown): unknown {
  const state = (data as Record<string, Record<string, unknown> | undefined>)[resource.resourceKey];
  return state?.[resource.keyField];
}
