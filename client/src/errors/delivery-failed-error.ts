import { SpillwayError } from './spillway-error.js';

/** Why an item could not be delivered. */
export type DeliveryFailure =
  /** 429, 503, 5xx or network errors until the retry budget (`retry`) ran out. */
  | 'retries-exhausted'
  /** The server refused the whole request (401, 404, 415…): retrying cannot help. */
  | 'refused'
  /** The server's answer could not be read as one (a proxy's page, a cut body). */
  | 'bad-answer';

export interface DeliveryFailedDetails {
  readonly reason: DeliveryFailure;
  /** Whether the item may be stored: true when an attempt's outcome is unknown. */
  readonly maybeStored: boolean;
  readonly attempts: number;
  /** The last answer's status; undefined when the last attempt got no answer. */
  readonly status?: number;
  /** The last answer's messages. */
  readonly errors?: readonly string[];
  /**
   * The key of the last request that carried the item. Sending that request's
   * exact body again under this key (within the server's 24 h) stores it once.
   */
  readonly idempotencyKey: string;
  readonly cause?: unknown;
}

/**
 * The client gave up on an item. `maybeStored` says whether it may have been
 * stored: false when every attempt of the last request was answered with a
 * refusal that enqueued nothing (or never reached a server); true when one
 * may have been processed without the client learning its answer (a
 * connection reset after the body was sent, a time-out, a 5xx).
 */
export class DeliveryFailedError extends SpillwayError {
  readonly code = 'DELIVERY_FAILED';
  readonly reason: DeliveryFailure;
  readonly maybeStored: boolean;
  readonly attempts: number;
  readonly status: number | undefined;
  readonly errors: readonly string[];
  readonly idempotencyKey: string;

  constructor(details: DeliveryFailedDetails) {
    const answered = details.status === undefined ? 'no answer' : `last answer ${details.status}`;
    const said = details.errors?.length ? `: ${details.errors.join('; ')}` : '';
    super(
      `delivery ${details.reason} after ${details.attempts} attempt(s), ${answered}${said}; ${
        details.maybeStored ? 'it may have been stored' : 'it was not stored'
      }`,
      { cause: details.cause },
    );
    this.reason = details.reason;
    this.maybeStored = details.maybeStored;
    this.attempts = details.attempts;
    this.status = details.status;
    this.errors = details.errors ?? [];
    this.idempotencyKey = details.idempotencyKey;
  }
}
