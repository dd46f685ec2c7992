import { listingsResource } from '../shared/resources/listings.resource.js';
import { peopleResource } from '../shared/resources/people.resource.js';
import { usersResource } from '../shared/resources/users.resource.js';
import { notifyModule } from './notify/notify.module.js';
import { persistCreatedResourceModule } from './persist/persist-created-resource.module.js';
import { persistCustomersModule } from './persist/persist-customers.module.js';
import { persistOrdersModule } from './persist/persist-orders.module.js';
import { replicateModule } from './replicate/replicate.module.js';
import type { WorkerModule } from './worker-module.js';

/** Every consumer a worker process runs; a new kind of job is one line here. */
export const WORKER_MODULES: readonly WorkerModule[] = [
  persistCreatedResourceModule(usersResource),
  persistCreatedResourceModule(listingsResource),
  persistCustomersModule,
  persistCreatedResourceModule(peopleResource),
  replicateModule,
  notifyModule,
  persistOrdersModule,
];
