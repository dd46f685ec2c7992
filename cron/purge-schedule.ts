import { schedule } from 'node-cron';
import type { Logger } from '../shared/infra/telemetry/logger.js';
import { purgeOrders, type OrderPurgeDeps } from './purge-orders.js';

/** Longest time a scheduled run keeps the lock after it finished (see PurgeRunOptions.holdMs). */
const MAX_HOLD_MS = 30_000;

export interface PurgeSchedule {
  /** Stops scheduling and resolves once a run in progress has finished. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Runs the purge on `expression` (node-cron syntax). Every cron process may run
 * this: the purge's lock lets one of them work per tick, and the lock is held
 * for half the interval between ticks (≤ 30 s), so a replica whose clock is a
 * little late skips the tick too instead of purging again.
 */
export function schedulePurge(
  deps: OrderPurgeDeps,
  expression: string,
  logger: Logger,
): PurgeSchedule {
  let running: Promise<unknown> | undefined;
  const task = schedule(
    expression,
    () => {
      const [next, after] = task.getNextRuns(2);
      const interval = next && after ? after.getTime() - next.getTime() : MAX_HOLD_MS * 2;
      running = purgeOrders(deps, { holdMs: Math.min(MAX_HOLD_MS, interval / 2) }).catch(
        (error: unknown) => logger.error({ err: error }, 'order purge failed'),
      );
      return running;
    },
    { name: 'purge-orders', noOverlap: true },
  );
  let stopping: Promise<void> | undefined;
  return {
    stop: () =>
      (stopping ??= (async () => {
        await task.stop();
        await running;
        await task.destroy();
      })()),
  };
}
