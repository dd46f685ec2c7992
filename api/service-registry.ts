import type { ServiceName } from '../config/index.js';
import { customersModule } from './customers/customers.module.js';
import { listingsModule } from './listings/listings.module.js';
import { publicModule } from './public/public.module.js';
import { ordersModule } from './orders/orders.module.js';
import { peopleModule } from './people/people.module.js';
import type { ServiceModule } from './service-module.js';
import { usersModule } from './users/users.module.js';

/** Every HTTP service this build has; a new service is one line here. */
export const SERVICE_MODULES: readonly ServiceModule[] = [
  usersModule,
  listingsModule,
  publicModule,
  customersModule,
  ordersModule,
  peopleModule,
];

/** Every service this build has: each module's name is one of SERVICE_NAMES. */
export const AVAILABLE_SERVICES = SERVICE_MODULES.map((m) => m.name) as readonly ServiceName[];
