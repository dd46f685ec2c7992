import { AppError } from './app-error.js';

/**
 * The queue Redis cannot take a write right now (down or restarting). The
 * write was not accepted; the client should retry (with its Idempotency-Key).
 */
export class QueueUnavailableError extends AppError {
  constructor(options: { cause?: unknown } = {}) {
    super('the write queue is unavailable; retry shortly', {
      code: 'QUEUE_UNAVAILABLE',
      status: 503,
      expose: true,
      headers: { 'Retry-After': '1' },
      cause: options.cause,
    });
  }
}

/** What a Redis Cluster answers while a failover moves a slot: it has no master for it yet. */
const CLUSTER_IN_FAILOVER = /^(CLUSTERDOWN|TRYAGAIN|MASTERDOWN|LOADING|READONLY)\b/;

/**
 * True for the errors ioredis raises when a command cannot reach Redis: the
 * connection is offline (fail-fast producer connection), closed mid-command,
 * or out of reconnect retries for this command; and, on a cluster, when no
 * node can take it or its slot is between masters (a failover).
 */
export function isRedisUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    error.name === 'ClusterAllFailedError' ||
    error.message.includes("Stream isn't writeable") ||
    error.message === 'Connection is closed.' ||
    error.message.startsWith('Too many Cluster redirections') ||
    error.message.startsWith("Cluster isn't ready") ||
    error.message.includes('None of startup nodes is available') ||
    CLUSTER_IN_FAILOVER.test(error.message)
  );
}
