import { DelayedError, type Job, type Processor, type Worker } from 'bullmq';
import {
  deadLetterJobIds,
  deadLettersOf,
  failsForGood,
  mayHaveDeadLetter,
  type DeadLetter,
  type DeadLetterAddresses,
  type DeadLetterStore,
} from '../shared/infra/queues/dead-letters.js';
import { deadLetterAddresses } from '../shared/domain/resources/dead-letter-addresses.js';
import type { AnyCreatedResource } from '../shared/domain/resources/created-resource.js';
import { CREATED_RESOURCES } from '../shared/domain/resources/registry.js';
import type { QueueName } from '../shared/infra/queues/queue-names.js';
import type { Logger } from '../shared/infra/telemetry/logger.js';
import { GroupCommitter } from './group-commit.js';

/** The longest a job waits before trying again when its dead letter could not be kept. */
const MAX_WAIT_MS = 30_000;

export interface DeadLetterGuardOptions {
  readonly store: DeadLetterStore;
  readonly logger: Logger;
  /** JOB_BACKOFF_MS: the first wait of a job whose dead letter could not be kept. */
  readonly backoffMs: number;
  /** Letters of jobs failing together share one INSERT (group-commit bounds). */
  readonly maxBatch: number;
  readonly maxWaitMs: number;
  /**
   * The created resources the process runs (createWorkers' `resources`), whose
   * persist queues' letters are filed under them; this build's registry if not given.
   */
  readonly resources?: readonly AnyCreatedResource[];
}

interface StoredMark {
  readonly queue: QueueName;
  readonly jobId: string;
}

/**
 * Nothing acknowledged is dropped (§9): a job's write is recorded in the
 * dead-letter store (MySQL) *before* BullMQ moves the job to the failed set,
 * where `removeOnFail: QUEUE_KEEP_FAILED` may trim it. If the letter cannot
 * be kept (MySQL is down: often the very store the write failed on), the job
 * does not fail: it goes back to the delayed set without spending an attempt
 * and runs again later, until its write or its dead letter is stored.
 */
export class DeadLetterGuard {
  /** Jobs whose letter the guard kept before they failed (the `failed` fallback skips them). */
  private readonly kept = new WeakSet<Job>();
  private readonly letters: GroupCommitter<DeadLetter>;
  private readonly storedMarks: GroupCommitter<StoredMark>;
  private readonly addresses: DeadLetterAddresses;

  constructor(private readonly options: DeadLetterGuardOptions) {
    this.addresses = deadLetterAddresses(options.resources ?? CREATED_RESOURCES);
    const batching = { maxBatch: options.maxBatch, maxWaitMs: options.maxWaitMs };
    this.letters = new GroupCommitter<DeadLetter>({
      traceName: 'record dead letters',
      commitBatch: (letters) => options.store.record(letters),
      commitOne: (letter) => options.store.record([letter]),
      ...batching,
    });
    this.storedMarks = new GroupCommitter<StoredMark>({
      traceName: 'mark dead letters stored',
      commitBatch: (marks) => this.markStored(marks),
      commitOne: (mark) => this.markStored([mark]),
      ...batching,
    });
  }

  /** `processor`, keeping the write of a job that fails for good before BullMQ fails it. */
  guard(queue: QueueName, processor: Processor): Processor {
    const failing = async (job: Job, error: unknown, token: string | undefined) => {
      if (failsForGood(job, error)) await this.keepBeforeFailing(queue, job, error, token);
      throw error;
    };
    // BullMQ makes an AbortController per job for a processor that declares a third
    // parameter (its `signal`); the guard passes one on only to a processor that reads it.
    if (processor.length >= 3) {
      return async (job, token, signal) => {
        try {
          return await processor(job, token, signal);
        } catch (error) {
          return failing(job, error, token);
        }
      };
    }
    return async (job, token) => {
      try {
        return await processor(job, token);
      } catch (error) {
        return failing(job, error, token);
      }
    };
  }

  /**
   * Two safety nets around a queue's workers: a job failed without running
   * its processor (stalled past `maxStalledCount`: BullMQ fails it when a
   * worker next takes it) is kept from the `failed` event; a job that
   * completes after it had a dead letter (re-driven, or retried from Bull
   * Board) marks its letter stored.
   */
  watch(queue: QueueName, worker: Worker): void {
    worker.on('failed', (job, error) => {
      if (!job || typeof job.finishedOn !== 'number' || this.kept.has(job)) return;
      void this.keepAfterFailing(queue, job, error);
    });
    worker.on('completed', (job) => {
      if (!mayHaveDeadLetter(job)) return;
      for (const jobId of deadLetterJobIds(queue, job, this.addresses)) {
        this.storedMarks.submit({ queue, jobId }).catch((error: unknown) => {
          this.options.logger.warn(
            { queue, jobId, err: (error as Error).message },
            'dead letter not marked stored',
          );
        });
      }
    });
  }

  /** Keeps what is batched now; resolves when every batch in flight has settled. */
  async drain(): Promise<void> {
    await Promise.all([this.letters.drain(), this.storedMarks.drain()]);
  }

  private record(letters: readonly DeadLetter[]): Promise<void[]> {
    return Promise.all(letters.map((letter) => this.letters.submit(letter)));
  }

  private async keepBeforeFailing(
    queue: QueueName,
    job: Job,
    error: unknown,
    token: string | undefined,
  ): Promise<void> {
    const letters = deadLettersOf(
      queue,
      job,
      error,
      job.attemptsMade + 1,
      Date.now(),
      this.addresses,
    );
    try {
      await this.record(letters);
      this.kept.add(job);
      this.options.logger.warn(
        { queue, jobId: job.id, requestId: job.data?.requestId, err: messageOf(error) },
        'job failed for good; dead letter kept',
      );
    } catch (storeError) {
      // JOB_BACKOFF_MS doubled per attempt made, as its next retry would have waited.
      const waitMs = Math.min(MAX_WAIT_MS, this.options.backoffMs * 2 ** job.attemptsMade);
      this.options.logger.warn(
        { queue, jobId: job.id, err: messageOf(error), storeErr: messageOf(storeError), waitMs },
        'job failed for good but its dead letter could not be kept; it runs again later',
      );
      // A failed move leaves the job active until its lock lapses; then it is run again.
      await job.moveToDelayed(Date.now() + waitMs, token).catch(() => undefined);
      throw new DelayedError(`${job.id}: dead letter not kept; runs again in ${waitMs} ms`);
    }
  }

  private async keepAfterFailing(queue: QueueName, job: Job, error: Error): Promise<void> {
    const letters = deadLettersOf(
      queue,
      job,
      error,
      job.attemptsMade,
      job.finishedOn ?? Date.now(),
      this.addresses,
    );
    try {
      await this.record(letters);
    } catch (storeError) {
      // Back to waiting: its next run fails (no attempt left) through the guard, which keeps it.
      try {
        await job.retry('failed');
        this.options.logger.warn(
          { queue, jobId: job.id, storeErr: messageOf(storeError) },
          'failed job retried: its dead letter could not be kept',
        );
      } catch (retryError) {
        this.options.logger.error(
          { queue, jobId: job.id, storeErr: messageOf(storeError), err: messageOf(retryError) },
          'dead letter lost: neither kept nor the job retried',
        );
      }
    }
  }

  private async markStored(marks: readonly StoredMark[]): Promise<void> {
    const byQueue = new Map<QueueName, string[]>();
    for (const { queue, jobId } of marks) {
      const jobIds = byQueue.get(queue) ?? [];
      jobIds.push(jobId);
      byQueue.set(queue, jobIds);
    }
    const at = Date.now();
    await Promise.all(
      [...byQueue].map(([queue, jobIds]) => this.options.store.markStored(queue, jobIds, at)),
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
