import type { ResourceModel } from './history.types.js';

/**
 * What the checker knows of each resource: how it is written and which fields
 * it compares. Timestamps are left out: they are the server's, not a client's
 * write (the fold could not predict them).
 */
export const RESOURCE_MODELS = {
  /** Mongo only: the latest document, with its version and a tombstone. */
  orders: {
    name: 'orders',
    kind: 'versioned',
    fields: ['vehicle_manufacturer', 'model', 'total_price', 'status', 'deleted'],
    events: false,
    replica: false,
  },
  /** MySQL row + one change event per version + the Mongo replica. */
  customers: {
    name: 'customers',
    kind: 'versioned',
    fields: ['username', 'address', 'income', 'name', 'email', 'phone', 'deleted'],
    events: true,
    replica: true,
  },
  users: { name: 'users', kind: 'created', fields: ['name'], events: false, replica: true },
  listings: {
    name: 'listings',
    kind: 'created',
    fields: ['user_id', 'listing_type', 'price'],
    events: false,
    replica: true,
  },
  people: {
    name: 'people',
    kind: 'created',
    fields: ['first', 'last', 'age'],
    events: false,
    replica: true,
  },
} as const satisfies Record<string, ResourceModel>;
