import type { DeadLetterAddress, DeadLetterAddresses } from '../../infra/queues/dead-letters.js';
import { QUEUE_NAMES, type QueueName } from '../../infra/queues/queue-names.js';
import type { AnyCreatedResource } from './created-resource.js';
import { KEYED_RESOURCES } from './registry.js';

type AddressOf = (data: Record<string, unknown>) => DeadLetterAddress;

function objectOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** A created resource's job: `{version, <field>: {id}}`. */
const created =
  (resource: string, field: string): AddressOf =>
  (data) => ({ resource, key: objectOf(data[field]).id, version: data.version });

/** A keyed write's job: the state at its version, under `field`. */
const keyed =
  (resource: string, field: string, keyField: string): AddressOf =>
  (data) => {
    const state = objectOf(data[field]);
    return { resource, key: state[keyField], version: state.version };
  };

/** A change event: its entity, key and version. */
const event: AddressOf = (data) => ({
  resource: typeof data.entity === 'string' ? data.entity : 'unknown',
  key: data.key,
  version: data.version,
});

/**
 * Where the dead letters of each queue a process runs are filed: the persist
 * queue of each created resource it was given (`resources`: the same list its
 * workers are made from, this build's registry unless a test adds one), the
 * keyed resources' queues, and the change events' queues.
 */
export function deadLetterAddresses(resources: readonly AnyCreatedResource[]): DeadLetterAddresses {
  return new Map<QueueName, AddressOf>([
    ...resources.map((r) => [r.queue, created(r.entity, r.resourceKey)] as const),
    ...KEYED_RESOURCES.map((r) => [r.queue, keyed(r.entity, r.resourceKey, r.keyField)] as const),
    [QUEUE_NAMES.replicate, event],
    [QUEUE_NAMES.notify, event],
  ]);
}
