/**
 * What a write under an `Idempotency-Key` fixes before it enqueues anything:
 * the ids, version and clock reading it will use. Stored with the key, so a
 * retry after a crash repeats the same write (same id, same job id, which
 * BullMQ adds once) instead of making a second one. JSON; small.
 */
export type WritePlan = Readonly<Record<string, unknown>>;

/**
 * One attempt at a request that carries an `Idempotency-Key`, as the domain
 * sees it (given as a parameter: the domain never reads the HTTP request).
 */
export interface IdempotentAttempt {
  /**
   * The plan of this request's write: the one an earlier attempt of the same
   * request stored (it may have enqueued and then died), or else `fresh()`,
   * stored with the key before it is returned. Throws if the key was lost
   * meanwhile (nothing is enqueued then). One plan per request.
   */
  plan<P extends WritePlan>(fresh: () => P | Promise<P>): Promise<P>;
  /**
   * The write was refused before anything was enqueued (a taken username):
   * the plan is dropped with the reservation, so the client may send a
   * corrected request under the same key.
   */
  refuse(): void;
}

/** The write's plan: kept with its key when there is one, else simply `fresh()`. */
export async function planWrite<P extends WritePlan>(
  attempt: IdempotentAttempt | undefined,
  fresh: () => P | Promise<P>,
): Promise<P> {
  return attempt ? attempt.plan(fresh) : fresh();
}

/** What a bulk request's chunk stored under its key before it was enqueued. */
export interface ChunkPlan {
  /** SHA-256 of the chunk's items (with their input indexes): a retry's chunk must match it. */
  readonly digest: string;
  /** The chunk's write plan (first id, clock reading, uuids…), as `IdempotentAttempt.plan` stores it. */
  readonly plan: WritePlan;
}

/** One chunk of a bulk request, as its plan is checked. */
export interface BulkChunk {
  /** 0 for the first chunk. */
  readonly index: number;
  /** SHA-256 of its items with their input indexes. */
  readonly digest: string;
  /** Input indexes of its first and last item (named when it differs). */
  readonly firstItem: number;
  readonly lastItem: number;
}

/**
 * A bulk request under an `Idempotency-Key`, as bulk intake sees it: each
 * chunk is planned under the key before it is enqueued, so a retry after a
 * crash repeats the chunks an earlier attempt may have queued (same ids, same
 * job ids) instead of queuing them again.
 */
export interface IdempotentBulkAttempt {
  /**
   * The attempt of one chunk (0, 1, …, in order), given to the domain as a
   * single write's attempt is: its plan is the one an earlier attempt stored
   * for this chunk, or else fresh and stored. Its `plan` throws an
   * IdempotencyKeyReusedError when an earlier attempt planned this chunk with
   * other items (the same key, another body).
   */
  chunk(chunk: BulkChunk): IdempotentAttempt;
  /**
   * The body ended after `chunks` chunks: throws an IdempotencyKeyReusedError
   * if an earlier attempt planned more (it was a longer body).
   */
  finish(chunks: number): void;
}
