/** Every queue Spillway uses, in one place. */
export const QUEUE_NAMES = {
  persistUsers: 'persist-users',
  persistListings: 'persist-listings',
  persistPeople: 'persist-people',
  replicate: 'replicate',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];
