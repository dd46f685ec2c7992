import type { ReadThroughCache } from '../shared/cache/read-through-cache.js';
import { nowMicros } from '../shared/clock.js';
import type { RedisLock } from '../shared/locks/redis-lock.js';
import type { Logger } from '../shared/logger.js';
import type { OrderRepository } from '../shared/repositories/order.repository.js';

/** The lock every purge takes, whichever process (cron replica or CLI) runs it. */
export const PURGE_LOCK_NAME = 'purge-orders';

/** Frees the lock if its holder dies mid-purge; far longer than a purge takes. */
const LOCK_TTL_MS = 5 * 60_000;

const HOUR_MICROS = 3_600_000_000;

export interface OrderPurgeDeps {
  /** Told how many orders each run removed (the purge counter metric). */
  readonly onPurged?: (removed: number) => void;
  readonly orders: Pick<OrderRepository, 'deleteCreatedBefore'>;
  readonly cache: Pick<ReadThroughCache, 'invalidate'>;
  readonly lock: RedisLock;
  readonly logger: Logger;
  readonly retentionHours: number;
}

export type PurgeOutcome =
  | { readonly ran: true; readonly removed: number; readonly cutoff: number }
  | { readonly ran: false; readonly removed: 0; readonly reason: 'lock held' };

export interface PurgeRunOptions {
  /**
   * Keep the lock this long after the run instead of freeing it, so replicas
   * whose clocks fire the same tick a little later skip it rather than run it again.
   */
  readonly holdMs?: number;
}

/**
 * Deletes the orders created more than `retentionHours` ago (tombstones too),
 * then bumps the orders cache generation so no cached read still shows them,
 * and logs how many went. Runs under a Redis lock: when another purge holds
 * it, this one does nothing and says so.
 */
export async function purgeOrders(
  deps: OrderPurgeDeps,
  options: PurgeRunOptions = {},
): Promise<PurgeOutcome> {
  const held = await deps.lock.tryAcquire(PURGE_LOCK_NAME, LOCK_TTL_MS);
  if (!held) {
    deps.logger.info('order purge skipped: another purge holds the lock');
    return { ran: false, removed: 0, reason: 'lock held' };
  }
  try {
    const cutoff = nowMicros() - deps.retentionHours * HOUR_MICROS;
    const removed = await deps.orders.deleteCreatedBefore(cutoff);
    if (removed > 0) await deps.cache.invalidate('orders');
    deps.onPurged?.(removed);
    deps.logger.info(
      { removed, cutoff, retentionHours: deps.retentionHours },
      `orders purged: ${removed} removed`,
    );
    return { ran: true, removed, cutoff };
  } finally {
    await held.release({ holdMs: options.holdMs });
  }
}

/** The CLI's one line about a run. */
export function describePurge(outcome: PurgeOutcome): string {
  return outcome.ran
    ? `purged ${outcome.removed} orders`
    : 'purge skipped: another purge holds the lock (0 orders removed)';
}
