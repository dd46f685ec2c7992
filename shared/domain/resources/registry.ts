import type { AnyCreatedResource } from './created-resource.js';
import { customersResource } from './customers.resource.js';
import type { KeyedResource } from './keyed-resource.js';
import { listingsResource } from './listings.resource.js';
import { ordersResource } from './orders.resource.js';
import { peopleResource } from './people.resource.js';
import { usersResource } from './users.resource.js';

/**
 * Every created resource this build has, one descriptor each. The queues,
 * persist workers, Mongo replica models and cache collections of a process
 * come from the list it is given; this one unless a test adds its own.
 */
export const CREATED_RESOURCES: readonly AnyCreatedResource[] = [
  usersResource,
  listingsResource,
  peopleResource,
];

/** Every keyed resource (versions of one key applied in order): their queues' shard keys and dead-letter addresses come from these. */
export const KEYED_RESOURCES: readonly KeyedResource[] = [customersResource, ordersResource];
