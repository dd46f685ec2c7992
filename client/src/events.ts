import { EventEmitter } from 'node:events';
import type { DeliveryFailedError } from './errors/index.js';
import type { ResourceName } from './resources.js';

/** The kind of write a request carries. */
export type WriteKind = 'create' | 'update' | 'remove';

/** What every event says of the request it is about. */
export interface RequestEvent {
  readonly resource: ResourceName;
  readonly kind: WriteKind;
  /** Items the request carried (1 for an update or a removal). */
  readonly items: number;
  readonly idempotencyKey: string;
  /** 1 for a request's first attempt. */
  readonly attempt: number;
}

/** A request was answered and its items' results are known (some may be left for a next request). */
export interface SentEvent extends RequestEvent {
  readonly status: number;
  readonly durationMs: number;
  /** Items accepted (queued or persisted). */
  readonly accepted: number;
  /** Items the server refused on their own (invalid fields, taken username…). */
  readonly rejected: number;
  /** Items the server did not reach (it stopped early: a limit, 429, 503); they go in a next request. */
  readonly remaining: number;
  /** Whether the server replayed the answer of an earlier attempt under the same key. */
  readonly replayed: boolean;
}

/** A request will be sent again after `delayMs` (same key), or its remaining items in a new one. */
export interface RetriedEvent extends RequestEvent {
  readonly reason: string;
  /** The answer's status; undefined when there was none (network error). */
  readonly status: number | undefined;
  readonly delayMs: number;
}

/** The client gave up on a request's items; each of them rejects with `error`. */
export interface FailedEvent extends RequestEvent {
  readonly error: DeliveryFailedError;
}

export interface ClientEvents {
  sent: SentEvent;
  retried: RetriedEvent;
  failed: FailedEvent;
}

/** Counts since the client was created, and what it holds now. */
export interface ClientStats {
  /** Items held (waiting for a batch, in flight, or waiting to be retried); at most `maxBuffered`. */
  readonly buffered: number;
  /** Callers waiting for room. */
  readonly waiting: number;
  /** Requests being sent or waiting to be retried. */
  readonly inFlight: number;
  readonly requests: { readonly sent: number; readonly retried: number; readonly failed: number };
  readonly items: {
    readonly accepted: number;
    readonly rejected: number;
    readonly failed: number;
  };
}

/** Emits the client's events and keeps its counts. A listener that throws does not stop delivery. */
export class Reporter {
  private readonly emitter = new EventEmitter();
  inFlight = 0;
  readonly requests = { sent: 0, retried: 0, failed: 0 };
  readonly items = { accepted: 0, rejected: 0, failed: 0 };

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  on<E extends keyof ClientEvents>(event: E, listener: (info: ClientEvents[E]) => void): void {
    this.emitter.on(event, listener);
  }

  off<E extends keyof ClientEvents>(event: E, listener: (info: ClientEvents[E]) => void): void {
    this.emitter.off(event, listener);
  }

  sent(info: SentEvent): void {
    this.requests.sent += 1;
    this.items.accepted += info.accepted;
    this.items.rejected += info.rejected;
    this.emit('sent', info);
  }

  /** An item refused on its own outside a bulk answer's counts (a split to one item, an update). */
  rejected(count: number): void {
    this.items.rejected += count;
  }

  retried(info: RetriedEvent): void {
    this.requests.retried += 1;
    this.emit('retried', info);
  }

  failed(info: FailedEvent): void {
    this.requests.failed += 1;
    this.items.failed += info.items;
    this.emit('failed', info);
  }

  private emit<E extends keyof ClientEvents>(event: E, info: ClientEvents[E]): void {
    try {
      this.emitter.emit(event, info);
    } catch (error) {
      process.emitWarning(
        `a Spillway client "${event}" listener threw: ${(error as Error).message ?? String(error)}`,
      );
    }
  }
}
