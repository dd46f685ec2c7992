import { QUEUE_NAMES, type QueueName } from '../shared/jobs/queue-names.js';
import { listingsResource } from '../shared/resources/listings.resource.js';
import { peopleResource } from '../shared/resources/people.resource.js';
import { usersResource } from '../shared/resources/users.resource.js';
import { notifyModule } from './notify/notify.module.js';
import { persistCreatedResourceModule } from './persist/persist-created-resource.module.js';
import { persistCustomersModule } from './persist/persist-customers.module.js';
import { persistOrdersModule } from './persist/persist-orders.module.js';
import { replicateModule } from './replicate/replicate.module.js';
import type { WorkerModule } from './worker-module.js';

/**
 * The module that consumes each queue, so a process builds only the modules of
 * the queues it runs (WORKER_QUEUES). A new kind of job is one entry here.
 */
export const WORKER_MODULES: Readonly<Record<QueueName, WorkerModule>> = {
  [QUEUE_NAMES.persistUsers]: persistCreatedResourceModule(usersResource),
  [QUEUE_NAMES.persistListings]: persistCreatedResourceModule(listingsResource),
  [QUEUE_NAMES.persistCustomers]: persistCustomersModule,
  [QUEUE_NAMES.persistPeople]: persistCreatedResourceModule(peopleResource),
  [QUEUE_NAMES.replicate]: replicateModule,
  [QUEUE_NAMES.notify]: notifyModule,
  [QUEUE_NAMES.persistOrders]: persistOrdersModule,
};
