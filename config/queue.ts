import type { EnvReader } from './env-parsers.js';
import type { Config } from './types.js';

/**
 * A queue name's form (`persist-<entity>`, `replicate`): no `:` (BullMQ's key
 * separator), no braces (a cluster hash tag), no spaces. Which queues exist is
 * the worker process's to check, against the resources it is given
 * (workers/worker-registry.ts): config/ knows no queue, so a new resource's
 * queue is listed nowhere here.
 */
const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * QUEUE_PREFIX. On one Redis the default `{spillway}` keeps the key layout
 * every earlier version wrote; on a cluster a prefix in braces would put every
 * key in one slot, so there it defaults to `spillway` and braces are refused.
 */
function readQueuePrefix(read: EnvReader, cluster: boolean): string {
  const prefix = read.string('QUEUE_PREFIX', cluster ? 'spillway' : '{spillway}');
  if (cluster && /[{}]/.test(prefix))
    read.problem(
      'QUEUE_PREFIX: braces make the prefix a hash tag that puts every key in one cluster slot; use a prefix without them with REDIS_QUEUE_CLUSTER_NODES',
    );
  return prefix;
}

/** How jobs are queued: key prefix, shards, retries, and how many finished jobs Redis keeps. */
export function readQueue(read: EnvReader, redis: { cluster: boolean }): Config['queue'] {
  return {
    prefix: readQueuePrefix(read, redis.cluster),
    shards: read.int('QUEUE_SHARDS', 1, { min: 1, max: 256 }),
    attempts: read.int('JOB_ATTEMPTS', 10, { min: 1, max: 1000 }),
    backoffMs: read.int('JOB_BACKOFF_MS', 500, { min: 1, max: 3_600_000 }),
    keepCompleted: read.int('QUEUE_KEEP_COMPLETED', 1000, { min: 0, max: 1_000_000 }),
    keepFailed: read.int('QUEUE_KEEP_FAILED', 100_000, { min: 0, max: 10_000_000 }),
    headTtlMs: read.int('KEY_HEAD_TTL_MS', 600_000, { min: 1000, max: 30 * 86_400_000 }),
  };
}

/** How a worker process consumes its queues; WORKER_QUEUES is a list of queue names (unset: all). */
export function readWorker(read: EnvReader): Config['worker'] {
  return {
    concurrency: read.int('WORKER_CONCURRENCY', 1000, { min: 1, max: 10_000 }),
    instances: read.int('WORKER_INSTANCES', 8, { min: 1, max: 64 }),
    groupCommitMaxBatch: read.int('GROUP_COMMIT_MAX_BATCH', 500, { min: 1, max: 10_000 }),
    groupCommitMaxWaitMs: read.int('GROUP_COMMIT_MAX_WAIT_MS', 5, { min: 0, max: 10_000 }),
    lockMs: read.int('WORKER_LOCK_MS', 30_000, { min: 1000, max: 3_600_000 }),
    queues: read.listMatching(
      'WORKER_QUEUES',
      QUEUE_NAME,
      'queue names (letters, digits, - and _)',
    ),
  };
}

/** OUTBOX_RELAY_INTERVAL_MS: the worker's re-publication of lost customer events. */
export function readOutbox(read: EnvReader): Config['outbox'] {
  return {
    relayIntervalMs: read.int('OUTBOX_RELAY_INTERVAL_MS', 5000, { min: 100, max: 3_600_000 }),
  };
}
