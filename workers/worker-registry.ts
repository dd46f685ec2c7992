import { ConfigError } from '../config/index.js';
import { QUEUE_NAMES, type QueueName } from '../shared/infra/queues/queue-names.js';
import type { AnyCreatedResource } from '../shared/domain/resources/created-resource.js';
import { customersResource } from '../shared/domain/resources/customers.resource.js';
import { ordersResource } from '../shared/domain/resources/orders.resource.js';
import { notifyModule } from './notify/notify.module.js';
import { persistCreatedResourceModule } from './persist/persist-created-resource.module.js';
import { persistCustomersModule } from './persist/persist-customers.module.js';
import { persistOrdersModule } from './persist/persist-orders.module.js';
import { replicateModule } from './replicate/replicate.module.js';
import type { WorkerModule } from './worker-module.js';

/**
 * The module that consumes each queue, so a process builds only the modules of
 * the queues it runs (WORKER_QUEUES): one generic persist module per created
 * resource (from its descriptor); the keyed resources' own (their ordered
 * apply is theirs), on their descriptors' queues; the change events'.
 */
export function workerModules(
  resources: readonly AnyCreatedResource[],
): ReadonlyMap<QueueName, WorkerModule> {
  return new Map<QueueName, WorkerModule>([
    ...resources.map(
      (resource) => [resource.queue, persistCreatedResourceModule(resource)] as const,
    ),
    [customersResource.queue, persistCustomersModule],
    [QUEUE_NAMES.replicate, replicateModule],
    [QUEUE_NAMES.notify, notifyModule],
    [ordersResource.queue, persistOrdersModule],
  ]);
}

/**
 * The queues a worker process consumes: those WORKER_QUEUES names (`wanted`),
 * or every queue of `modules` when it is unset. config/ checks only the names'
 * form, so here a name with no module (a typo, or a resource this process was
 * not given) is refused as a bad variable is: a ConfigError naming it and the
 * queues there are, thrown before anything is opened.
 */
export function consumedQueues(
  wanted: readonly string[] | undefined,
  modules: ReadonlyMap<QueueName, WorkerModule>,
): QueueName[] {
  const known = [...modules.keys()];
  if (wanted === undefined) return known;
  const unknown = wanted.filter((queue) => !modules.has(queue));
  if (unknown.length > 0)
    throw new ConfigError([
      `WORKER_QUEUES: unknown ${unknown.map((queue) => `"${queue}"`).join(', ')}; expected some of ${known.join(', ')}`,
    ]);
  return [...new Set(wanted)];
}
