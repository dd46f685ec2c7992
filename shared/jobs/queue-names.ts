/** Every queue Spillway uses, in one place. */
export const QUEUE_NAMES = {
  persistUsers: 'persist-users',
  persistListings: 'persist-listings',
  persistCustomers: 'persist-customers',
  persistPeople: 'persist-people',
  replicate: 'replicate',
  /** Change events → e-mail (customers). */
  notify: 'notify',
  persistOrders: 'persist-orders',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];
