import { createHash } from 'node:crypto';
import {
  AppError,
  isRedisUnreachable,
  QueueUnavailableError,
  ValidationError,
} from '../../../shared/domain/errors/index.js';
import { canonicalJson } from '../../../shared/infra/idempotency/idempotency-store.js';
import type { ShardCompletions } from '../../../shared/infra/queues/completion-listener.js';
import { waitForJob } from '../../../shared/infra/queues/wait-for-job.js';
import type { InputSource, Validator } from '../../../shared/infra/validation/ajv.js';
import type { BulkItemOutcome, BulkMeta } from '../../bulk-writes.js';
import type { BulkGuards } from './bulk-guards.js';
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
  /** What the middleware in front of the route handed it: item budgets, the key's attempt, a test hook. */
  readonly guards?: BulkGuards;
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

/** The 413 of a request with more items than a bulk request may carry. */
function tooManyItems(maxItems: number): AppError {
  return new AppError(
    `too many items: a bulk request may carry at most ${maxItems} (BULK_MAX_ITEMS); items from index ${maxItems} on were not enqueued`,
    { code: 'TOO_MANY_ITEMS', status: 413, expose: true },
  );
}

/** Everything one request did, from its results up to the first item not processed. */
function summary<R>(
  kept: readonly BulkItemResult<R>[],
  stop: AppError | undefined,
  waitUntil: number,
): BulkRun<R> {
  const accepted = kept.filter((result) => result.status < 300).length;
  const persisted =
    stop === undefined &&
    waitUntil > 0 &&
    accepted > 0 &&
    kept.every((result) => result.status !== 202);
  return { results: kept, accepted, rejected: kept.length - accepted, stop, persisted };
}

/**
 * One bulk request's intake: the chunk being filled, each item's result so
 * far, the waits of `Prefer: wait`, and why and where the request stopped.
 */
class BulkIntake<I, R> {
  private readonly results: BulkItemResult<R>[] = [];
  // Waits start as soon as a chunk is queued (a finished job may be removed
  // before the body ends), all under the request's one deadline.
  private readonly waits = new Map<number, Promise<boolean>>();
  private readonly source: InputSource;
  private chunk: Pending<I>[] = [];
  private seen = 0;
  private chunks = 0;
  private stop: AppError | undefined;
  /** The first item of a chunk that was not enqueued (refused, failed or dropped), if any. */
  private firstUnprocessed: number | undefined;

  constructor(
    private readonly writer: BulkWriter<I, R>,
    private readonly options: BulkRunOptions,
  ) {
    this.source = writer.source ?? 'json';
  }

  /** Reads the items up to the limit, enqueueing each full chunk; a failure stops the request. */
  async readAll(inputs: AsyncIterable<BulkInput>): Promise<void> {
    const { maxItems, chunkSize } = this.options;
    try {
      for await (const input of inputs) {
        if (input.index >= maxItems) {
          this.stop = tooManyItems(maxItems);
          break;
        }
        this.seen = input.index + 1;
        this.take(input);
        if (this.chunk.length >= chunkSize) await this.flush();
      }
    } catch (error) {
      this.stop = asStop(error);
      // A body that ended early was abandoned by its client: its open chunk is not enqueued.
      if (this.stop.code === 'BODY_INCOMPLETE' && this.firstUnprocessed === undefined) {
        this.firstUnprocessed = this.chunk[0]?.index;
      }
      if (this.firstUnprocessed !== undefined) this.chunk = [];
    }
  }

  /** Enqueues the open chunk unless an earlier one was not; a body read whole finishes its key. */
  async finish(): Promise<void> {
    if (this.firstUnprocessed !== undefined) return;
    try {
      await this.flush();
      // A retry whose body ends early is not the request an earlier attempt queued more of.
      if (this.stop === undefined) this.options.guards?.idempotency?.finish(this.chunks);
    } catch (error) {
      this.stop = asStop(error);
    }
  }

  /** The results up to the first item not processed; a 202 is a 201 once its wait saw it persisted. */
  async answer(): Promise<BulkRun<R>> {
    const kept = this.results.slice(0, this.firstUnprocessed ?? this.seen);
    if (this.stop === undefined) {
      for (const [index, wait] of this.waits) {
        const result = kept[index];
        if ((await wait) && result && result.status === 202)
          kept[index] = { ...result, status: 201 };
      }
    }
    return summary(kept, this.stop, this.options.meta.waitUntil);
  }

  /** An item read: validated into the open chunk, or its own 400. */
  private take(input: BulkInput): void {
    const { index } = input;
    if ('errors' in input) {
      this.results[index] = { index, status: 400, errors: input.errors };
      return;
    }
    const { writer } = this;
    try {
      const raw = writer.normalize ? writer.normalize(input.value) : input.value;
      this.chunk.push({ index, item: writer.validate(raw, this.source), raw: input.value });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      this.results[index] = { index, status: 400, errors: error.messages };
    }
  }

  /** The meta of the next chunk: under a key, with the chunk's own attempt. */
  private chunkMeta(batch: readonly Pending<I>[]): BulkMeta {
    const { meta, guards } = this.options;
    const keyed = guards?.idempotency;
    if (!keyed) return meta;
    const chunk = keyed.chunk({
      index: this.chunks,
      digest: chunkDigest(batch),
      firstItem: batch[0]?.index ?? 0,
      lastItem: batch[batch.length - 1]?.index ?? 0,
    });
    return { ...meta, idempotency: chunk };
  }

  /** Admits and enqueues the open chunk whole; if it was not, no item from its first on is processed. */
  private async flush(): Promise<void> {
    if (this.chunk.length === 0) return;
    const batch = this.chunk;
    this.chunk = [];
    const { guards } = this.options;
    try {
      await guards?.admit?.(batch.length);
      const outcomes = await this.writer.enqueueChunk(
        batch.map((pending) => pending.item),
        this.chunkMeta(batch),
      );
      if (this.chunks++ === 0) guards?.afterFirstChunk?.();
      this.record(batch, outcomes);
    } catch (error) {
      this.firstUnprocessed = batch[0]?.index;
      throw error;
    }
  }

  /** Each item's outcome as its result; a queued one is waited for if the client asked to wait. */
  private record(batch: readonly Pending<I>[], outcomes: readonly BulkItemOutcome<R>[]): void {
    const { waitUntil } = this.options.meta;
    const events = this.writer.completions;
    batch.forEach(({ index }, k) => {
      const outcome = outcomes[k];
      if (!outcome) throw new Error('a bulk writer answered fewer items than it was given');
      if (outcome.status !== 202) {
        this.results[index] = { index, status: outcome.status, errors: outcome.errors };
        return;
      }
      const persisted = outcome.persisted === true;
      this.results[index] = {
        index,
        status: persisted ? 201 : 202,
        resource: outcome.resource,
        jobId: outcome.jobId,
      };
      const secondsLeft = (waitUntil - Date.now()) / 1000;
      if (outcome.job && events && !persisted && waitUntil > 0 && secondsLeft > 0) {
        this.waits.set(index, waitForJob(outcome.job, events, secondsLeft));
      }
    });
  }
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
  const intake = new BulkIntake(writer, options);
  await intake.readAll(inputs);
  await intake.finish();
  return intake.answer();
}
