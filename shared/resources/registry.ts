import type { AnyCreatedResource } from './created-resource.js';
import { listingsResource } from './listings.resource.js';
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
