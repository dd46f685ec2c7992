import type { HistoryOp, Outcome } from './history.types.js';

/** 2xx acknowledged; 4xx refused (not applied); 5xx, timeouts and network errors unknown. */
export function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 400 && status < 500) return 'fail';
  return 'info';
}

interface Waiter {
  readonly acknowledged: boolean;
  readonly count: number;
  readonly resolve: () => void;
}

/**
 * Every request and answer of a run, in the order they were sent. Op ids are
 * handed out when a client plans a request (its unique values carry the id)
 * and it is sent at once, so ids follow the order of sending.
 */
export class Recorder {
  readonly ops: HistoryOp[] = [];
  private lastId = 0;
  private acks = 0;
  private waiters: Waiter[] = [];

  nextId(): number {
    this.lastId += 1;
    return this.lastId;
  }

  record(op: HistoryOp): void {
    this.ops.push(op);
    if (op.outcome === 'ok') this.acks += 1;
    this.waiters = this.waiters.filter((waiter) => {
      if ((waiter.acknowledged ? this.acks : this.ops.length) < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Writes acknowledged so far. */
  acknowledged(): number {
    return this.acks;
  }

  /** Resolves once `more` writes beyond those acknowledged now are acknowledged. */
  untilAcknowledged(more: number, what: string, timeoutMs = 60_000): Promise<void> {
    return this.until(true, more, what, timeoutMs);
  }

  /** Resolves once `more` requests beyond those answered now are answered (any answer). */
  untilAnswered(more: number, what: string, timeoutMs = 60_000): Promise<void> {
    return this.until(false, more, what, timeoutMs);
  }

  /** How many ops got each status (0: no answer). */
  statuses(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const op of this.ops) counts[op.status] = (counts[op.status] ?? 0) + 1;
    return counts;
  }

  private async until(acknowledged: boolean, more: number, what: string, timeoutMs: number) {
    const count = (acknowledged ? this.acks : this.ops.length) + more;
    let timer: NodeJS.Timeout | undefined;
    const reached = new Promise<void>((resolve) =>
      this.waiters.push({ acknowledged, count, resolve }),
    );
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const seen = (acknowledged ? this.acks : this.ops.length) - (count - more);
        reject(new Error(`timed out waiting for ${what}: ${seen} of ${more}`));
      }, timeoutMs);
    });
    try {
      await Promise.race([reached, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}
