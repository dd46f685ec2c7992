import { createHash } from 'node:crypto';
import {
  AppError,
  isRedisUnreachable,
  QueueUnavailableError,
  ValidationError,
} from '../../../shared/errors/index.js';
import { canonicalJson } from '../../../shared/idempotency/idempotency-store.js';
import type { IdempotentBulkAttempt } from '../../../shared/idempotency/idempotent-attempt.js';
import type { ShardCompletions } from '../../../shared/jobs/completion-listener.js';
import { waitForJob } from '../../../shared/jobs/wait-for-job.js';
import type { InputSource, Validator } from '../../../shared/validation/ajv.js';
import type { BulkItemOutcome, BulkMeta } from '../../bulk-writes.js';
import type { BulkInput } from './bulk-items.js';

/**
 * One resource's bulk writes: how an item is validated and how a chunk of
 * valid items is given its identity and enqueued, exactly as single writes are.
 */
export interface BulkWriter<I, R> {
  /** The field each accepted item's resource is answered under (`user`, `listing`…). */
  readonly resourceKey: string;
  readonly validate: Validator<I>;
  /** How an item's values are read: `json` keeps their types; CLI and CSV use `text`. */
  readonly source?: InputSource;
  /** Applied to each item before validation (people: a blank field is an absent one). */
  readonly normalize?: (item: unknown) => unknown;
  /** A smaller chunk than the configured one (the public API: one user look-up per chunk). */
  readonly chunkSize?: number;
  /**
   * Enqueues one chunk; one outcome per item, in order. Throws only when
   * nothing of the chunk was enqueued (one addBulk is one MULTI).
   */
  enqueueChunk(items: readonly I[], meta: BulkMeta): Promise<readonly BulkItemOutcome<R>[]>;
  /** Completion events of the queue its jobs go to, for `Prefer: wait`. */
  readonly completions?: ShardCompletions;
}

export type BulkItemResult<R> =
  | {
      readonly index: number;
      readonly status: 201 | 202;
      readonly resource: R;
      readonly jobId: string;
    }
  | {
      readonly index: number;
      readonly status: 400 | 409 | 422;
      readonly errors: readonly string[];
    };

/** Everything one bulk request did. */
export interface BulkRun<R> {
  /** One result per item read, in input order, up to the first item not processed. */
  readonly results: readonly BulkItemResult<R>[];
  readonly accepted: number;
  readonly rejected: number;
  /** Why the request ended before its last item (413, 429, 503, a broken body), if it did. */
  readonly stop?: AppError;
  /** True when the client waited and every accepted item was persisted in time. */
  readonly persisted: boolean;
}

export interface BulkRunOptions {
  readonly maxItems: number;
  readonly chunkSize: number;
  readonly meta: BulkMeta;
  /** Asked before each chunk is enqueued, with its item count; throws to refuse it (429, 503). */
  readonly admit?: (items: number) => Promise<void>;
  /** The request's `Idempotency-Key` attempt, if it has a key: each chunk is planned under it. */
  readonly idempotency?: IdempotentBulkAttempt;
  /** Test hook: runs once the first chunk was enqueued (where the chaos test kills the API). */
  readonly afterFirstChunk?: () => void;
}

interface Pending<I> {
  readonly index: number;
  readonly item: I;
  /** The item as it was read: what a keyed chunk's digest is taken of. */
  readonly raw: unknown;
}

/** SHA-256 of a chunk's items as read, with their input indexes (a moved item is another chunk). */
function chunkDigest(batch: readonly Pending<unknown>[]): string {
  const items = batch.map((pending) => [pending.index, pending.raw]);
  return createHash('sha256').update(canonicalJson(items)).digest('hex');
}

/**
 * The request stopped early: an error the client is told, with what was done
 * before it. Any failure becomes one, so the items already enqueued are
 * always answered (an unexpected one as a 500 whose message is not shown).
 */
function asStop(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isRedisUnreachable(error)) return new QueueUnavailableError({ cause: error });
  return new AppError('bulk intake failed', {
    code: 'BULK_FAILED',
    status: 500,
    expose: false,
    cause: error,
  });
}

/**
 * Bulk intake (§7): reads items as they arrive, validates each, and enqueues
 * the valid ones in chunks through the resource's writer, so memory holds one
 * chunk and the answers, never the body. An invalid item is that item's 400.
 * The request stops early at the item limit (413), when a guard refuses a
 * chunk (429, 503), or when the body breaks; a chunk is enqueued whole or not
 * at all, so each item before `results.length` has its result and none after
 * it was enqueued. A body that ended early (client gone) drops the chunk it
 * was reading.
 */
export async function runBulkIntake<I, R>(
  inputs: AsyncIterable<BulkInput>,
  writer: BulkWriter<I, R>,
  options: BulkRunOptions,
): Promise<BulkRun<R>> {
  const results: BulkItemResult<R>[] = [];
  // Waits start as soon as a chunk is queued (a finished job may be removed
  // before the body ends), all under the request's one deadline.
  const waits = new Map<number, Promise<boolean>>();
  const { waitUntil } = options.meta;
  const events = writer.completions;
  const source = writer.source ?? 'json';
  let chunk: Pending<I>[] = [];
  let seen = 0;
  let chunks = 0;
  let stop: AppError | undefined;
  let firstUnprocessed: number | undefined;

  /** The meta of the next chunk: under a key, with the chunk's own attempt. */
  function chunkMeta(batch: readonly Pending<I>[]): BulkMeta {
    const keyed = options.idempotency;
    if (!keyed) return options.meta;
    const chunk = keyed.chunk({
      index: chunks,
      digest: chunkDigest(batch),
      firstItem: batch[0]?.index ?? 0,
      lastItem: batch[batch.length - 1]?.index ?? 0,
    });
    return { ...options.meta, idempotency: chunk };
  }

  async function flush(): Promise<void> {
    if (chunk.length === 0) return;
    const batch = chunk;
    chunk = [];
    try {
      await options.admit?.(batch.length);
      const outcomes = await writer.enqueueChunk(
        batch.map((pending) => pending.item),
        chunkMeta(batch),
      );
      if (chunks++ === 0) options.afterFirstChunk?.();
      batch.forEach(({ index }, k) => {
        const outcome = outcomes[k];
        if (!outcome) throw new Error('a bulk writer answered fewer items than it was given');
        if (outcome.status !== 202) {
          results[index] = { index, status: outcome.status, errors: outcome.errors };
          return;
        }
        const persisted = outcome.persisted === true;
        results[index] = {
          index,
          status: persisted ? 201 : 202,
          resource: outcome.resource,
          jobId: outcome.jobId,
        };
        const secondsLeft = (waitUntil - Date.now()) / 1000;
        if (outcome.job && events && !persisted && waitUntil > 0 && secondsLeft > 0) {
          waits.set(index, waitForJob(outcome.job, events, secondsLeft));
        }
      });
    } catch (error) {
      firstUnprocessed = batch[0]?.index;
      throw error;
    }
  }

  function take(input: BulkInput): void {
    const { index } = input;
    if ('errors' in input) {
      results[index] = { index, status: 400, errors: input.errors };
      return;
    }
    try {
      const raw = writer.normalize ? writer.normalize(input.value) : input.value;
      chunk.push({ index, item: writer.validate(raw, source), raw: input.value });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      results[index] = { index, status: 400, errors: error.messages };
    }
  }

  try {
    for await (const input of inputs) {
      if (input.index >= options.maxItems) {
        stop = new AppError(
          `too many items: a bulk request may carry at most ${options.maxItems} (BULK_MAX_ITEMS); items from index ${options.maxItems} on were not enqueued`,
          { code: 'TOO_MANY_ITEMS', status: 413, expose: true },
        );
        break;
      }
      seen = input.index + 1;
      take(input);
      if (chunk.length >= options.chunkSize) await flush();
    }
  } catch (error) {
    stop = asStop(error);
    // A body that ended early was abandoned by its client: its open chunk is not enqueued.
    if (stop.code === 'BODY_INCOMPLETE' && firstUnprocessed === undefined) {
      firstUnprocessed = chunk[0]?.index;
    }
    if (firstUnprocessed !== undefined) chunk = [];
  }
  if (firstUnprocessed === undefined) {
    try {
      await flush();
      // A retry whose body ends early is not the request an earlier attempt queued more of.
      if (stop === undefined) options.idempotency?.finish(chunks);
    } catch (error) {
      stop = asStop(error);
    }
  }
  const processed = firstUnprocessed ?? seen;
  const kept = results.slice(0, processed);
  if (stop === undefined) {
    for (const [index, wait] of waits) {
      const result = kept[index];
      if ((await wait) && result && result.status === 202) kept[index] = { ...result, status: 201 };
    }
  }
  const accepted = kept.filter((result) => result.status < 300).length;
  const persisted =
    stop === undefined &&
    waitUntil > 0 &&
    accepted > 0 &&
    kept.every((result) => result.status !== 202);
  return { results: kept, accepted, rejected: kept.length - accepted, stop, persisted };
}
