/** A budget: `capacity` units at most, refilled continuously at `capacity` per `periodMs`. */
export interface BucketShape {
  readonly capacity: number;
  readonly periodMs: number;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** Whole units left after this decision (0 when refused or in debt). */
  readonly remaining: number;
  /** Seconds until the refused units would fit (at least 1); 0 when allowed. */
  readonly retryAfterSeconds: number;
}

/**
 * One client's token bucket as one process sees it. Decisions are local and
 * synchronous; what this process spent is handed to a shared copy of the
 * bucket (in Redis) by `beginSync`, and the shared answer replaces the local
 * count in `endSync`, so several processes converge on one budget within one
 * sync interval. Pure: time is passed in (milliseconds, monotonic), no I/O.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;
  /** Units spent here since the last sync began (not yet sent). */
  private unsent = 0;
  /** Units sent with the sync in flight, if any. */
  private sending = 0;
  private readonly perMs: number;

  constructor(
    private readonly shape: BucketShape,
    now: number,
  ) {
    this.tokens = shape.capacity;
    this.at = now;
    this.perMs = shape.capacity / shape.periodMs;
  }

  /**
   * Takes `weight` units if they are there. A weight larger than the whole
   * capacity is never admitted (it could not be, even by a full bucket).
   */
  take(weight: number, now: number): RateDecision {
    this.refill(now);
    if (weight <= this.tokens) {
      this.tokens -= weight;
      this.unsent += weight;
      return { allowed: true, remaining: Math.floor(this.tokens), retryAfterSeconds: 0 };
    }
    const missing = Math.min(weight, this.shape.capacity) - this.tokens;
    return {
      allowed: false,
      remaining: Math.max(0, Math.floor(this.tokens)),
      retryAfterSeconds: Math.max(1, Math.ceil(missing / this.perMs / 1000)),
    };
  }

  /** Starts a sync: the units spent since the last one, now in flight (0: nothing to send). */
  beginSync(): number {
    this.sending = this.unsent;
    this.unsent = 0;
    return this.sending;
  }

  /**
   * The shared bucket's tokens once the sent units were taken from it (every
   * process's spending included): the local count becomes that, less what was
   * spent here while the sync was in flight.
   */
  endSync(sharedTokens: number, now: number): void {
    this.tokens = Math.min(this.shape.capacity, sharedTokens) - this.unsent;
    this.at = now;
    this.sending = 0;
  }

  /**
   * A sync that failed: its units are not sent again (a retry could count
   * them twice, and by the time the shared bucket answers again they may have
   * refilled anyway); the local count, which holds them, goes on alone.
   */
  failSync(): void {
    this.sending = 0;
  }

  /** Units spent here that no sync has taken yet. */
  hasUnsent(): boolean {
    return this.unsent > 0;
  }

  /** Full, with nothing to send: the same as a new bucket, so it can be forgotten. */
  isSettled(now: number): boolean {
    this.refill(now);
    return this.unsent === 0 && this.sending === 0 && this.tokens >= this.shape.capacity;
  }

  private refill(now: number): void {
    if (now <= this.at) return;
    this.tokens = Math.min(this.shape.capacity, this.tokens + (now - this.at) * this.perMs);
    this.at = now;
  }
}
