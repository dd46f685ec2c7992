import type { ReadThroughCache } from '../shared/infra/cache/read-through-cache.js';
import { nowMicros } from '../shared/infra/process/clock.js';
import type { HeldLock, RedisLock } from '../shared/infra/locks/redis-lock.js';
import type { Logger } from '../shared/infra/telemetry/logger.js';
import type { OrderRepository } from '../shared/domain/repositories/order.repository.js';

/** The lock every purge takes, whichever process (cron replica or CLI) runs it. */
export const PURGE_LOCK_NAME = 'purge-orders';

/**
 * Frees the lock if its holder dies mid-purge. A live purge renews it after
 * every batch, so this bounds one batch, not the whole purge.
 */
const LOCK_TTL_MS = 5 * 60_000;

const HOUR_MICROS = 3_600_000_000;

export interface OrderPurgeDeps {
  /** Told how many orders each batch removed, as it is removed (the purge counter metric). */
  readonly onPurged?: (removed: number) => void;
  /** Told how each run ended: `completed`, `skipped` (another purge held the lock) or `failed`. */
  readonly onRun?: (outcome: PurgeRunOutcome) => void;
  readonly orders: Pick<OrderRepository, 'deleteCreatedBeforeInBatches'>;
  readonly cache: Pick<ReadThroughCache, 'invalidate'>;
  readonly lock: RedisLock;
  readonly logger: Logger;
  readonly retentionHours: number;
  /** Most orders one delete removes (ORDER_PURGE_BATCH_SIZE). */
  readonly batchSize: number;
}

/** How a run ends; the cron process counts each from 0, so a first failure is an increase. */
export const PURGE_RUN_OUTCOMES = ['completed', 'skipped', 'failed'] as const;
export type PurgeRunOutcome = (typeof PURGE_RUN_OUTCOMES)[number];

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
 * Deletes the orders created more than `retentionHours` ago (tombstones too)
 * in batches of `batchSize`. After each batch it bumps the orders cache
 * generation (so no cached read still shows them), counts and logs the
 * progress, and renews its lock. Runs under a Redis lock: when another purge
 * holds it, this one does nothing and says so. A purge that dies mid-way
 * leaves whole batches deleted; the next run removes the rest.
 */
export async function purgeOrders(
  deps: OrderPurgeDeps,
  options: PurgeRunOptions = {},
): Promise<PurgeOutcome> {
  const held = await deps.lock.tryAcquire(PURGE_LOCK_NAME, LOCK_TTL_MS).catch((error: unknown) => {
    // The queue Redis is down: no purge ran, and an operator needs to hear of it.
    deps.onRun?.('failed');
    throw error;
  });
  if (!held) {
    deps.logger.info('order purge skipped: another purge holds the lock');
    deps.onRun?.('skipped');
    return { ran: false, removed: 0, reason: 'lock held' };
  }
  try {
    const cutoff = nowMicros() - deps.retentionHours * HOUR_MICROS;
    const removed = await purgeInBatches(deps, held, cutoff).catch((error: unknown) => {
      deps.onRun?.('failed');
      throw error;
    });
    deps.logger.info(
      { removed, cutoff, retentionHours: deps.retentionHours },
      `orders purged: ${removed} removed`,
    );
    deps.onRun?.('completed');
    return { ran: true, removed, cutoff };
  } finally {
    await held.release({ holdMs: options.holdMs });
  }
}

/** The batch loop of one purge; returns how many orders it removed. */
async function purgeInBatches(deps: OrderPurgeDeps, held: HeldLock, cutoff: number) {
  let removed = 0;
  let batch = 0;
  try {
    for await (const count of deps.orders.deleteCreatedBeforeInBatches(cutoff, deps.batchSize)) {
      batch += 1;
      removed += count;
      if (count > 0) await deps.cache.invalidate('orders');
      deps.onPurged?.(count);
      deps.logger.info(
        { batch, batchRemoved: count, removedSoFar: removed, cutoff },
        `orders purge: batch ${batch}, ${removed} removed so far`,
      );
      if (!(await held.renew(LOCK_TTL_MS))) {
        throw new Error(`order purge lost its lock after ${removed} removed`);
      }
    }
    return removed;
  } catch (error) {
    // A batch is deleted before its count comes back, so a failure may follow
    // a delete the cache has not heard of: invalidate before giving up.
    await deps.cache
      .invalidate('orders')
      .catch((invalidateError: unknown) =>
        deps.logger.error(
          { err: invalidateError },
          'orders cache not invalidated after a failed purge',
        ),
      );
    throw error;
  }
}

/** The CLI's one line about a run. */
export function describePurge(outcome: PurgeOutcome): string {
  return outcome.ran
    ? `purged ${outcome.removed} orders`
    : 'purge skipped: another purge holds the lock (0 orders removed)';
}
