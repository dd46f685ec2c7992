/**
 * The queues this build's code names directly: the keyed resources', the
 * change events' and, for code and tests that want a fixed name, the built-in
 * created resources'. A created resource's persist queue comes from its
 * descriptor (`resource.queue`, `persist-<entity>`), so a new one is listed
 * nowhere here; the queues a process has are made from the resources it is
 * given (shared/domain/resources/registry.ts).
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

/**
 * A queue's name: one of QUEUE_NAMES, or the persist queue of a created
 * resource a process was given beyond this build's (shared/domain/resources/registry.ts).
 */
export type QueueName = string;
