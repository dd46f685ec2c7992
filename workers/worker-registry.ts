import { notifyModule } from './notify/notify.module.js';
import { persistCustomersModule } from './persist/persist-customers.module.js';
import { persistListingsModule } from './persist/persist-listings.module.js';
import { persistOrdersModule } from './persist/persist-orders.module.js';
import { persistPeopleModule } from './persist/persist-people.module.js';
import { persistUsersModule } from './persist/persist-users.module.js';
import { replicateModule } from './replicate/replicate.module.js';
import type { WorkerModule } from './worker-module.js';

/** Every consumer a worker process runs; a new kind of job is one line here. */
export const WORKER_MODULES: readonly WorkerModule[] = [
  persistUsersModule,
  persistListingsModule,
  persistCustomersModule,
  persistPeopleModule,
  replicateModule,
  notifyModule,
  persistOrdersModule,
];
