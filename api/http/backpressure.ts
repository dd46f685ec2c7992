import type { Middleware } from 'koa';
import { OverloadedError } from '../../shared/domain/errors/index.js';
import type { BacklogSource, QueueBacklog } from '../../shared/infra/queues/queue-backlog.js';
import type { RequestState } from './request-id.js';
import { WRITE_METHODS } from './write-methods.js';

export interface BackpressureOptions {
  readonly backlog: QueueBacklog;
  /** The queues this service's writes land on, and those their jobs feed (replicate, notify). */
  readonly queues: readonly BacklogSource[];
  /** Backlog above which writes are refused; 0 turns the check off. */
  readonly maxWaiting: number;
  readonly retryAfterSeconds: number;
  /** Bulk routes: each chunk's items are counted against the bound before it is enqueued. */
  readonly bulkPaths?: ReadonlySet<string>;
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
  const bulkPaths = options.bulkPaths ?? new Set<string>();
  /**
   * Refuses `items` more writes if one queue would then hold `maxWaiting` or
   * more. The request's logger is asked for only to log: making one is a
   * child logger per request, which a write that logs nothing should not pay.
   */
  async function admit(state: RequestState, items: number): Promise<void> {
    for (const queue of queues) {
      let count: number;
      try {
        count = await backlog.count(queue);
      } catch (error) {
        state.log.warn({ err: error, queue: queue.name }, 'could not read queue backlog');
        continue;
      }
      // One write is refused once the bound is reached; a chunk once it would pass
      // it (a chunk larger than the whole bound still goes into an empty queue).
      if (count + items > Math.max(maxWaiting, items)) {
        throw new OverloadedError(
          `too many writes are waiting to be stored (${queue.name}); retry in ${retryAfterSeconds} s`,
          { retryAfterSeconds },
        );
      }
    }
  }
  /** A bulk chunk: admitted as above, then counted until the next read, so chunks see each other. */
  async function admitChunk(state: RequestState, items: number): Promise<void> {
    await admit(state, items);
    for (const queue of queues) backlog.note(queue, items);
  }
  return async function refuseWritesWhenBacklogged(ctx, next) {
    if (maxWaiting > 0 && WRITE_METHODS.has(ctx.method)) {
      await admit(ctx.state, 1);
      if (bulkPaths.has(ctx.path)) {
        (ctx.state.bulk.admissions ??= []).push((items) => admitChunk(ctx.state, items));
      }
    }
    await next();
  };
}
