// The job contract's queue names, defined where the configuration can check WORKER_QUEUES against them.
export { QUEUE_NAMES } from '../../../config/queue-names.js';

/**
 * A queue's name: one of QUEUE_NAMES, or the persist queue of a created
 * resource a process was given beyond this build's (shared/domain/resources/registry.ts).
 */
export type QueueName = string;
