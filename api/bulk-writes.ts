/**
 * What a bulk write (§7) asks of a service and what the service answers for
 * each item: the domain's side of bulk intake. The HTTP layer
 * (`api/http/bulk/`) reads the body, validates items and answers; services,
 * which never import `api/http`, take chunks and return these outcomes.
 */

import type { Job } from 'bullmq';
import type { IdempotentAttempt } from '../shared/infra/idempotency/idempotent-attempt.js';

/** What every item of one chunk of a bulk request shares. */
export interface BulkMeta {
  readonly requestId: string;
  /** When the client's `Prefer: wait` for every accepted item ends (ms since the epoch; 0: no wait). */
  readonly waitUntil: number;
  /**
   * The chunk's `Idempotency-Key` attempt, if the request has a key: the
   * chunk's write (its ids, clock reading) is planned under it, as one write's is.
   */
  readonly idempotency?: IdempotentAttempt;
}

/** How one valid item of a chunk fared: queued (with its resource), or refused on its own. */
export type BulkItemOutcome<R> =
  | {
      readonly status: 202;
      readonly resource: R;
      readonly jobId: string;
      /** The queued job, for `Prefer: wait`; absent when the write was passed on (public API). */
      readonly job?: Job;
      /** Already known to be persisted (an upstream that waited). */
      readonly persisted?: boolean;
    }
  | { readonly status: 400 | 409 | 422; readonly errors: readonly string[] };

/** Queued writes (their resources and jobs, in input order) as their items' outcomes. */
export function queuedOutcomes<R>(
  resources: readonly R[],
  jobs: readonly Job[],
): BulkItemOutcome<R>[] {
  return jobs.map((job, i) => ({
    status: 202,
    resource: resources[i] as R,
    jobId: job.id ?? '',
    job,
  }));
}
