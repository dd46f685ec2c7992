import type { Config } from '../../../config/index.js';
import type { RedisClient } from '../../infra/redis/redis-client.js';
import type {
  DeadLetterFilter,
  DeadLetterRepository,
  StoredDeadLetter,
} from '../repositories/dead-letter.repository.js';
import { redrivenJobName } from '../../infra/queues/dead-letters.js';
import type { QueueName } from '../../infra/queues/queue-names.js';
import { closeQueues } from '../../infra/queues/queues.js';
import type { ShardedQueue } from '../../infra/queues/sharded-queue.js';
import type { AnyCreatedResource } from '../resources/created-resource.js';
import { CREATED_RESOURCES } from '../resources/registry.js';
import { createQueue, queueNamesOf } from '../resources/resource-queues.js';

/** Letters read, queued and marked together in a re-drive. */
const REDRIVE_PAGE = 500;

/** The job state shown for a letter of a queue this process does not have. */
export const UNKNOWN_QUEUE_STATE = 'unknown-queue';

/** A dead letter with the state of its job in the queue Redis (`absent` once trimmed). */
export type DeadLetterWithJob = StoredDeadLetter & { readonly jobState: string };

export interface DeadLetterPage {
  /** Matches of the filter in all. */
  readonly total: number;
  readonly letters: readonly StoredDeadLetter[];
  /** The `after` of the next page; null on the last one. */
  readonly nextAfter: number | null;
}

export interface RedriveResult {
  readonly dryRun: boolean;
  /** Letters the filter matched (a dry run re-drives none of them). */
  readonly matched: number;
  /** Letters marked re-driven. */
  readonly redriven: number;
  /** Of those, how many were queued again (their job was absent or failed). */
  readonly requeued: number;
  /** Of those, how many still had a job waiting, delayed, active or completed: nothing was added. */
  readonly alreadyQueued: number;
  /**
   * Letters matched but not re-driven (a dry run: that would not be): their
   * queue is not one this process has (a resource it was not given), so they
   * stay open dead letters, to be re-driven by a process that has it.
   */
  readonly skipped: number;
  /** The queues of the skipped letters (the reason they were skipped), sorted. */
  readonly skippedQueues: readonly QueueName[];
  /** The first matched letters (a dry run: with their job's state). */
  readonly letters: readonly (StoredDeadLetter | DeadLetterWithJob)[];
}

/**
 * What an operator does with dead letters (the ops routes and the
 * `dead-letters` CLI): search them, and re-drive one or every match of a
 * filter. A re-drive queues a letter's payload again under its job id, on
 * its own queue. Job ids are deterministic, so a letter re-driven twice, or
 * by two operators at once, is one job while its job is kept, and a replay
 * of a write the store holds changes nothing (§9: `stepFor` answers
 * `replayed` for a version the store has, and created resources are
 * version-checked upserts), so a re-drive never overwrites newer data.
 */
export class DeadLettersService {
  /** The queues this process has (queueNamesOf its resources): the only ones it re-drives to. */
  readonly queues: readonly QueueName[];
  private readonly known: ReadonlySet<QueueName>;
  private readonly resources: readonly AnyCreatedResource[];
  private readonly producers = new Map<QueueName, ShardedQueue<unknown>>();

  constructor(
    private readonly config: Config,
    private readonly repository: DeadLetterRepository,
    /** The queue Redis connection the re-driven jobs are added on. */
    private readonly queueRedis: RedisClient,
    options: {
      /** The created resources the process was built with: this build's registry by default. */
      readonly resources?: readonly AnyCreatedResource[];
    } = {},
  ) {
    this.resources = options.resources ?? CREATED_RESOURCES;
    this.queues = queueNamesOf(this.resources);
    this.known = new Set(this.queues);
  }

  async search(
    filter: DeadLetterFilter,
    page: { readonly limit: number; readonly afterId?: number },
  ): Promise<DeadLetterPage> {
    const [total, letters] = await Promise.all([
      this.repository.count(filter),
      this.repository.search(filter, page),
    ]);
    const last = letters.at(-1);
    return { total, letters, nextAfter: letters.length === page.limit && last ? last.id : null };
  }

  /** Open letters (neither re-driven nor stored since) per resource: the metric. */
  countOpenByResource(): Promise<Record<string, number>> {
    return this.repository.countOpenByResource();
  }

  async get(id: number): Promise<DeadLetterWithJob | undefined> {
    const [letter] = await this.repository.search({ id, state: 'all' }, { limit: 1 });
    return letter ? this.withJobState(letter) : undefined;
  }

  /**
   * Re-drives every letter `filter` matches, in the order they failed; a dry
   * run only counts them and shows the first `sample` with their job's state.
   */
  async redrive(
    filter: DeadLetterFilter,
    options: { readonly dryRun: boolean; readonly sample: number },
  ): Promise<RedriveResult> {
    if (options.dryRun) return this.dryRun(filter, options.sample);
    const shown: StoredDeadLetter[] = [];
    const totals = { matched: 0, redriven: 0, requeued: 0, alreadyQueued: 0, skipped: 0 };
    const skippedQueues = new Set<QueueName>();
    for (let afterId = 0; ;) {
      const page = await this.repository.search(filter, { limit: REDRIVE_PAGE, afterId });
      if (page.length === 0) break;
      afterId = page.at(-1)!.id;
      // A letter of a queue this process does not have is left open, not marked re-driven.
      const known = page.filter((letter) => this.known.has(letter.queue));
      for (const letter of page) if (!this.known.has(letter.queue)) skippedQueues.add(letter.queue);
      const requeued = await this.requeue(known);
      totals.matched += page.length;
      totals.skipped += page.length - known.length;
      totals.requeued += requeued;
      totals.alreadyQueued += known.length - requeued;
      if (known.length > 0)
        totals.redriven += await this.repository.markRedriven(known, Date.now());
      shown.push(...page.slice(0, Math.max(0, options.sample - shown.length)));
    }
    return { dryRun: false, ...totals, skippedQueues: [...skippedQueues].sort(), letters: shown };
  }

  /** Counts what a re-drive of `filter` would take and skip; shows the first `sample` with their job's state. */
  private async dryRun(filter: DeadLetterFilter, sample: number): Promise<RedriveResult> {
    const [matched, first] = await Promise.all([
      this.repository.count(filter),
      this.repository.search(filter, { limit: sample }),
    ]);
    const [letters, queues] = await Promise.all([
      Promise.all(first.map((letter) => this.withJobState(letter))),
      this.skippedQueuesOf(filter, matched),
    ]);
    return {
      dryRun: true,
      matched,
      redriven: 0,
      requeued: 0,
      alreadyQueued: 0,
      skipped: [...queues.values()].reduce((sum, count) => sum + count, 0),
      skippedQueues: [...queues.keys()].sort(),
      letters,
    };
  }

  /**
   * How many of the `matched` letters of `filter` a re-drive would skip, by
   * queue: those whose queue this process does not have. The known queues'
   * matches are counted; only when they fall short are the matches read for
   * the other queues' names.
   */
  private async skippedQueuesOf(
    filter: DeadLetterFilter,
    matched: number,
  ): Promise<Map<QueueName, number>> {
    const counts = new Map<QueueName, number>();
    if (filter.queue !== undefined) {
      if (!this.known.has(filter.queue) && matched > 0) counts.set(filter.queue, matched);
      return counts;
    }
    const ofKnown = await Promise.all(
      this.queues.map((queue) => this.repository.count({ ...filter, queue })),
    );
    if (ofKnown.reduce((sum, count) => sum + count, 0) >= matched) return counts;
    for (let afterId = 0; ;) {
      const page = await this.repository.search(filter, { limit: REDRIVE_PAGE, afterId });
      if (page.length === 0) break;
      afterId = page.at(-1)!.id;
      for (const { queue } of page) {
        if (!this.known.has(queue)) counts.set(queue, (counts.get(queue) ?? 0) + 1);
      }
    }
    return counts;
  }

  /** Closes the producers re-drives opened. */
  async close(): Promise<void> {
    const producers = [...this.producers.values()];
    this.producers.clear();
    await closeQueues(producers);
  }

  private producerOf(queue: QueueName): ShardedQueue<unknown> {
    let producer = this.producers.get(queue);
    if (!producer) {
      producer = createQueue(this.config, this.queueRedis, queue, this.resources);
      this.producers.set(queue, producer);
    }
    return producer;
  }

  private async withJobState(letter: StoredDeadLetter): Promise<DeadLetterWithJob> {
    if (!this.known.has(letter.queue)) return { ...letter, jobState: UNKNOWN_QUEUE_STATE };
    const job = await this.producerOf(letter.queue).getJobOf(letter.payload, letter.jobId);
    return { ...letter, jobState: job ? await job.getState() : 'absent' };
  }

  /**
   * Queues each letter's payload again under its job id; answers how many
   * were added. A job still in the failed set is removed first (adding its
   * id again would be a no-op); a job still waiting, delayed, active or
   * completed is left as it is. Every letter's queue is one this process has.
   */
  private async requeue(letters: readonly StoredDeadLetter[]): Promise<number> {
    let added = 0;
    for (const queue of new Set(letters.map((l) => l.queue))) {
      const producer = this.producerOf(queue);
      const ofQueue = letters.filter((l) => l.queue === queue);
      const free = await Promise.all(
        ofQueue.map(async (letter) => {
          const job = await producer.getJobOf(letter.payload, letter.jobId);
          if (!job) return true;
          if ((await job.getState()) !== 'failed') return false;
          return job.remove().then(
            () => true,
            () => false,
          );
        }),
      );
      const toAdd = ofQueue.filter((_, i) => free[i]);
      if (toAdd.length === 0) continue;
      await producer.addBulk(
        toAdd.map((letter) => ({
          name: redrivenJobName(letter.jobName),
          data: letter.payload,
          opts: { jobId: letter.jobId },
        })),
      );
      added += toAdd.length;
    }
    return added;
  }
}
