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
