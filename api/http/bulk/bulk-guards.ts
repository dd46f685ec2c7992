import type { IdempotentBulkAttempt } from '../../../shared/infra/idempotency/idempotent-attempt.js';

/** An item budget of a streamed request: asked before a chunk is enqueued, throws to refuse it (429, 503). */
export type ItemAdmission = (items: number) => Promise<void>;

/**
 * What the middleware in front of a bulk route hands it, as one typed object:
 * the guards' item budgets, the request's `Idempotency-Key` attempt and the
 * crash test's hook. Bulk intake takes it whole (`BulkRunOptions.guards`).
 */
export interface BulkGuards {
  /** Asked before each chunk is enqueued, with its item count; throws to refuse it (429, 503). */
  admit?(items: number): Promise<void>;
  /** The request's `Idempotency-Key` attempt, if it has a key: each chunk is planned under it. */
  readonly idempotency?: IdempotentBulkAttempt | undefined;
  /** Test hook: runs once the first chunk was enqueued (where the chaos test kills the API). */
  readonly afterFirstChunk?: (() => void) | undefined;
}

/**
 * A request's bulk guards (`ctx.state.bulk`), filled in by the middleware
 * that runs before the route: rate limit and backpressure add item budgets,
 * the idempotency middleware the key's attempt. Made only when a middleware
 * or route asks for it, so a single write does not pay for it.
 */
export class BulkRequestGuards implements BulkGuards {
  /** The guards' item budgets, asked in turn. */
  admissions: ItemAdmission[] | undefined;
  idempotency: IdempotentBulkAttempt | undefined;
  afterFirstChunk: (() => void) | undefined;

  /** Asks every budget for `items`, in the order they were added. */
  async admit(items: number): Promise<void> {
    for (const check of this.admissions ?? []) await check(items);
  }
}
