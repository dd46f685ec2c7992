import { deliverBulk, type PendingCreate } from './bulk-delivery.js';
import type { DeliveryContext } from './delivery.js';

/** When a batch is sent, and how many may be on their way at once. */
export interface BatchOptions {
  /** Items per bulk request, at most. Default 1000 (the server takes up to 10,000). */
  readonly maxItems?: number;
  /**
   * Longest an item waits for its batch to fill before it is sent anyway.
   * Default 0: a batch leaves right after the event-loop turn its first item
   * came in, with every call of that turn; under load it grows by itself,
   * because items gather while every request slot is busy.
   */
  readonly maxWaitMs?: number;
  /**
   * Bulk requests of one resource on their way at once (each retried in its
   * own slot). Default 4. Items gather while every slot is busy, so batches
   * grow with the load.
   */
  readonly maxInFlight?: number;
}

export type BatchPolicy = Required<BatchOptions>;

export const DEFAULT_BATCH: BatchPolicy = { maxItems: 1000, maxWaitMs: 0, maxInFlight: 4 };

/** A create waiting for its batch, with when it was queued (ms since the epoch). */
export interface Queued extends PendingCreate {
  at: number;
}

/**
 * Gathers one resource's creates into bulk requests: a batch leaves once it
 * holds `maxItems`, once its oldest item has waited `maxWaitMs`, or at once
 * while a flush is asked for; at most `maxInFlight` requests at a time.
 */
export class Batcher {
  private queue: Queued[] = [];
  private head = 0;
  private inFlight = 0;
  /** Whether a wake-up (a timer, or an immediate for a batch that need not wait) is pending. */
  private waking = false;
  private flushes = 0;
  private itemLimit: number;

  constructor(
    private readonly context: DeliveryContext,
    private readonly policy: BatchPolicy,
  ) {
    this.itemLimit = policy.maxItems;
  }

  /** Queues a create; a full batch leaves at once, others on the timer (so one turn's calls gather). */
  add(item: Queued): void {
    item.at = Date.now();
    this.queue.push(item);
    if (this.queued >= this.itemLimit) this.pump();
    else this.schedule();
  }

  /** Sends what is queued without waiting for `maxWaitMs` until the returned function is called. */
  flushing(): () => void {
    this.flushes += 1;
    this.pump();
    let done = false;
    return () => {
      if (!done) this.flushes -= 1;
      done = true;
    };
  }

  private get queued(): number {
    return this.queue.length - this.head;
  }

  private ready(): boolean {
    const oldest = this.queue[this.head];
    if (!oldest) return false;
    return (
      this.queued >= this.itemLimit ||
      this.flushes > 0 ||
      Date.now() - oldest.at >= this.policy.maxWaitMs
    );
  }

  private take(): PendingCreate[] {
    const end = Math.min(this.queue.length, this.head + this.itemLimit);
    const batch = this.queue.slice(this.head, end);
    this.head = end;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 4096) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return batch;
  }

  private pump(): void {
    while (this.inFlight < this.policy.maxInFlight && this.ready()) {
      const batch = this.take();
      this.inFlight += 1;
      const feedback = { limitItems: (max: number) => this.limitItems(max) };
      void deliverBulk(this.context, feedback, batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
    this.schedule();
  }

  /** Wakes up when the oldest queued item has waited long enough, if a slot is free for it. */
  private schedule(): void {
    const oldest = this.queue[this.head];
    if (!oldest || this.waking || this.inFlight >= this.policy.maxInFlight) return;
    const left = Math.max(0, oldest.at + this.policy.maxWaitMs - Date.now());
    const wake = () => {
      this.waking = false;
      this.pump();
    };
    this.waking = true;
    // left 0: right after this turn, so the calls made in it (callers resumed together) share the batch.
    if (left === 0) setImmediate(wake);
    else setTimeout(wake, left);
  }

  private limitItems(max: number): void {
    this.itemLimit = Math.max(1, Math.min(this.itemLimit, max));
  }
}
