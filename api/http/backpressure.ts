import type { Queue } from 'bullmq';
import type { Middleware } from 'koa';
import { OverloadedError } from '../../shared/errors/index.js';
import type { QueueBacklog } from '../../shared/jobs/queue-backlog.js';
import type { RequestState } from './request-id.js';
import { WRITE_METHODS } from './write-methods.js';

export interface BackpressureOptions {
  readonly backlog: QueueBacklog;
  /** The queues this service's writes land on. */
  readonly queues: readonly Queue[];
  /** Backlog above which writes are refused; 0 turns the check off. */
  readonly maxWaiting: number;
  readonly retryAfterSeconds: number;
}

/**
 * §3.7: while one of the service's queues holds `maxWaiting` jobs or more,
 * writes answer 503 with `Retry-After` and enqueue nothing; reads are not
 * touched. Intake resumes by itself once workers bring the backlog back under
 * the bound. If the count cannot be read, the write goes on (the enqueue
 * itself will then fail or succeed on its own terms).
 */
export function backpressure(options: BackpressureOptions): Middleware<RequestState> {
  const { backlog, queues, maxWaiting, retryAfterSeconds } = options;
  return async function refuseWritesWhenBacklogged(ctx, next) {
    if (maxWaiting > 0 && WRITE_METHODS.has(ctx.method)) {
      for (const queue of queues) {
        let count: number;
        try {
          count = await backlog.count(queue);
        } catch (error) {
          ctx.state.log.warn({ err: error, queue: queue.name }, 'could not read queue backlog');
          continue;
        }
        if (count >= maxWaiting) {
          throw new OverloadedError(
            `too many writes are waiting to be stored (${queue.name}); retry in ${retryAfterSeconds} s`,
            { retryAfterSeconds },
          );
        }
      }
    }
    await next();
  };
}
