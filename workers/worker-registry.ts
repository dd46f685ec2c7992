import { QUEUE_NAMES, type QueueName } from '../shared/jobs/queue-names.js';
import { notifyModule } from './notify/notify.module.js';
import { persistCustomersModule } from './persist/persist-customers.module.js';
import { persistListingsModule } from './persist/persist-listings.module.js';
import { persistOrdersModule } from './persist/persist-orders.module.js';
import { persistPeopleModule } from './persist/persist-people.module.js';
import { persistUsersModule } from './persist/persist-users.module.js';
import { replicateModule } from './replicate/replicate.module.js';
import type { WorkerModule } from './worker-module.js';

/**
 * The module that consumes each queue, so a process builds only the modules of
 * the queues it runs (WORKER_QUEUES). A new kind of job is one entry here.
 */
export const WORKER_MODULES: Readonly<Record<QueueName, WorkerModule>> = {
  [QUEUE_NAMES.persistUsers]: persistUsersModule,
  [QUEUE_NAMES.persistListings]: persistListingsModule,
  [QUEUE_NAMES.persistCustomers]: persistCustomersModule,
  [QUEUE_NAMES.persistPeople]: persistPeopleModule,
  [QUEUE_NAMES.replicate]: replicateModule,
  [QUEUE_NAMES.notify]: notifyModule,
  [QUEUE_NAMES.persistOrders]: persistOrdersModule,
};
