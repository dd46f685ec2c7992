import type {
  Customer,
  CustomerCreate,
  CustomerPatch,
  Listing,
  ListingCreate,
  Order,
  OrderCreate,
  OrderPatch,
  Person,
  PersonCreate,
  User,
  UserCreate,
} from './generated/schema-types.js';

/** The write resources, each the name of its service and of its path (`/<name>/bulk`). */
export type ResourceName = 'users' | 'listings' | 'people' | 'customers' | 'orders';

export const RESOURCE_NAMES: readonly ResourceName[] = [
  'users',
  'listings',
  'people',
  'customers',
  'orders',
];

/** How the server names one resource in its answers, and which field is its id. */
export interface ResourceSpec {
  readonly name: ResourceName;
  /** The field an item's resource is answered under (`{"listing": {...}}`). */
  readonly key: string;
  readonly idField: string;
  /** Whether it takes updates and removals (PATCH / DELETE `/<name>/{id}`). */
  readonly changes: boolean;
}

export const RESOURCES: Readonly<Record<ResourceName, ResourceSpec>> = {
  users: { name: 'users', key: 'user', idField: 'id', changes: false },
  listings: { name: 'listings', key: 'listing', idField: 'id', changes: false },
  people: { name: 'people', key: 'person', idField: 'id', changes: false },
  customers: { name: 'customers', key: 'customer', idField: 'uuid', changes: true },
  orders: { name: 'orders', key: 'order', idField: 'id', changes: true },
};

/** The default base URL of each service: `npm start`'s loopback ports. */
export const DEFAULT_SERVICES: Readonly<Record<ResourceName, string>> = {
  users: 'http://127.0.0.1:8000',
  listings: 'http://127.0.0.1:6000',
  people: 'http://127.0.0.1:5000',
  customers: 'http://127.0.0.1:8888',
  orders: 'http://127.0.0.1:8080',
};

/**
 * Base URLs that send users and listings through the public API
 * (`POST /public-api/users/bulk`, `/public-api/listings/bulk`) instead of the
 * internal services: `createClient({ services: publicApi() })`. The public
 * API checks every listing's `user_id` (an unknown one is that item's 422)
 * and rate-limits each client address.
 */
export function publicApi(
  origin = 'http://127.0.0.1:7000',
): Readonly<Pick<Record<ResourceName, string>, 'users' | 'listings'>> {
  const base = `${origin.replace(/\/+$/, '')}/public-api`;
  return { users: base, listings: base };
}

/** A listing as answered; through the public API it also carries its user. */
export type ListingResult = Listing & { readonly user?: User };

/** The item and resource types of each resource. */
export interface ResourceTypes {
  users: { create: UserCreate; resource: User; id: number };
  listings: { create: ListingCreate; resource: ListingResult; id: number };
  people: { create: PersonCreate; resource: Person; id: number };
  customers: { create: CustomerCreate; patch: CustomerPatch; resource: Customer; id: string };
  orders: { create: OrderCreate; patch: OrderPatch; resource: Order; id: string };
}
