/**
 * Every queue Spillway uses, in one place. It lives in config/ because
 * WORKER_QUEUES is checked against it and config/ depends on nothing else in
 * the project; job code imports it through shared/infra/queues/queue-names.ts.
 */
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
