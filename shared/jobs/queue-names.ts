// The job contract's queue names, defined where the configuration can check WORKER_QUEUES against them.
export { QUEUE_NAMES, type QueueName } from '../../config/queue-names.js';
