import type { Context } from '@opentelemetry/api';
import { activeTraceContext, inBatchSpan } from '../shared/infra/telemetry/tracing/spans.js';

export interface GroupCommitOptions<T> {
  /** The span of each batch when tracing is on (`commit users`). */
  readonly traceName: string;
  /** Commits many items in one statement / bulk write. */
  readonly commitBatch: (items: readonly T[]) => Promise<void>;
  /** Commits one item; used when a batch fails, so each item gets its own outcome. */
  readonly commitOne: (item: T) => Promise<void>;
  readonly maxBatch: number;
  readonly maxWaitMs: number;
  /** Told the size of each batch that was sent together (for metrics and tests). */
  readonly onBatch?: (size: number) => void;
}

interface Pending<T> {
  readonly item: T;
  /** The submitting job's trace context: the batch's span links to it. */
  readonly trace: Context;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Collects items submitted at about the same time (≤ maxWaitMs, ≤ maxBatch)
 * and commits them together. Every submit settles on its own: if the batch
 * fails, each item is retried alone, so one bad item fails only its own job.
 */
export class GroupCommitter<T> {
  private pending: Pending<T>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: GroupCommitOptions<T>) {}

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, trace: activeTraceContext(), resolve, reject });
      if (this.pending.length >= this.options.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  /** Commits what is waiting now and resolves when every batch in flight has settled. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const run = this.commit(batch).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  /** One span per statement sent: the batch, or an item retried alone. */
  private inSpan(batch: readonly Pending<T>[], work: () => Promise<void>): Promise<void> {
    return inBatchSpan(
      this.options.traceName,
      batch.map((p) => p.trace),
      {},
      work,
    );
  }

  private async commit(batch: readonly Pending<T>[]): Promise<void> {
    try {
      // Inside the try: a throwing metrics hook must not strand the batch's jobs.
      this.options.onBatch?.(batch.length);
      await this.inSpan(batch, () => this.options.commitBatch(batch.map((p) => p.item)));
      for (const p of batch) p.resolve();
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
    }
    await Promise.all(
      batch.map(async (p) => {
        try {
          await this.inSpan([p], () => this.options.commitOne(p.item));
          p.resolve();
        } catch (error) {
          p.reject(error);
        }
      }),
    );
  }
}
