import { listingsResource, peopleResource, usersResource } from './created.resources.js';
import { customersResource } from './customers.resource.js';
import { ordersResource } from './orders.resource.js';
import type { ResourceEntry } from './resource-entry.js';

/**
 * Every resource the history's clients write, one entry each: its requests,
 * its answers, and how its stored state is read back. A new resource is one
 * more entry here.
 */
export const RESOURCES: readonly ResourceEntry[] = [
  ordersResource,
  customersResource,
  usersResource,
  listingsResource,
  peopleResource,
];
