import type { Queue } from 'bullmq';

/** The part of a BullMQ Queue the backlog reads. */
export type BacklogSource = Pick<Queue, 'name' | 'getJobCounts'>;

interface CachedCount {
  readonly count: number;
  readonly at: number;
}

/**
 * How many jobs wait in a queue (waiting, prioritized, and delayed — retries
 * backing off while a store is down count as backlog too), counted at most
 * once per `intervalMs` per queue per process: a write never pays for a
 * Redis round trip of its own, and concurrent callers share one count.
 */
export class QueueBacklog {
  private readonly counts = new Map<string, CachedCount>();
  private readonly inFlight = new Map<string, Promise<number>>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async count(queue: BacklogSource): Promise<number> {
    const cached = this.counts.get(queue.name);
    if (cached && this.now() - cached.at < this.intervalMs) return cached.count;
    let pending = this.inFlight.get(queue.name);
    if (!pending) {
      pending = this.read(queue).finally(() => this.inFlight.delete(queue.name));
      this.inFlight.set(queue.name, pending);
    }
    return pending;
  }

  /**
   * Adds `jobs` this process is about to enqueue to the count it holds, until
   * the next read replaces it: the chunks of one bulk request count each other.
   */
  note(queue: Pick<BacklogSource, 'name'>, jobs: number): void {
    const cached = this.counts.get(queue.name);
    if (cached) this.counts.set(queue.name, { count: cached.count + jobs, at: cached.at });
  }

  private async read(queue: BacklogSource): Promise<number> {
    const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed');
    const count = Object.values(counts).reduce((sum, n) => sum + n, 0);
    this.counts.set(queue.name, { count, at: this.now() });
    return count;
  }
}
