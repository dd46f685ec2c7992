import {
  eventOf,
  giveUp,
  requestProblem,
  retryLater,
  type Attempts,
  type DeliveryContext,
  type Pending,
} from './delivery.js';
import { answerErrors } from './bulk-answer.js';
import { ItemRejectedError } from './errors/index.js';
import type { WriteKind } from './events.js';
import { asTransportError, type HttpAnswer } from './transport.js';

/** An update or a removal of one key: `PATCH` or `DELETE /<resource>/{id}`. */
export interface SingleWrite {
  readonly kind: Exclude<WriteKind, 'create'>;
  readonly id: string;
  /** The changes as JSON (updates). */
  readonly body?: string;
  /** `If-Match`: only if the key's latest accepted version is this one (else 412). */
  readonly ifMatch?: number;
}

function resultOf(context: DeliveryContext, answer: HttpAnswer) {
  try {
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    const resource = body[context.spec.key] as Record<string, unknown> | undefined;
    if (typeof resource !== 'object' || resource === null) return undefined;
    const jobId = typeof body.job_id === 'string' ? body.job_id : (answer.header('x-job-id') ?? '');
    return { status: answer.status, id: resource[context.spec.idField], jobId, resource };
  } catch {
    return undefined;
  }
}

/** 4xx answers that refuse this write on its own merits; anything else is the request's problem. */
function refusesItem(answer: HttpAnswer): boolean {
  const { status } = answer;
  if (status === 409) return answer.header('retry-after') === undefined; // a taken username
  return status === 400 || status === 404 || status === 412 || status === 413 || status === 422;
}

/**
 * Sends one update or removal under its own Idempotency-Key and retries it
 * the way a bulk request is retried (429, 503, 409 in progress, 5xx, network
 * errors; same key), until the item has its result or the budget runs out.
 */
export async function deliverSingle(
  context: DeliveryContext,
  write: SingleWrite,
  item: Pending,
): Promise<void> {
  const state: Attempts = {
    kind: write.kind,
    items: [item],
    key: context.newKey(),
    attempts: 0,
    retries: 0,
    startedAt: Date.now(),
    maybeStored: false,
  };
  const headers: Record<string, string> = {
    ...context.headers,
    accept: 'application/json',
    'idempotency-key': state.key,
    ...(write.body !== undefined && { 'content-type': 'application/json' }),
    ...(write.ifMatch !== undefined && { 'if-match': `"${write.ifMatch}"` }),
  };
  const request = {
    origin: context.origin,
    path: `${context.pathPrefix}/${context.spec.name}/${encodeURIComponent(write.id)}`,
    method: write.kind === 'update' ? ('PATCH' as const) : ('DELETE' as const),
    headers,
    ...(write.body !== undefined && { body: write.body }),
  };
  context.reporter.inFlight += 1;
  try {
    for (;;) {
      await context.pause.wait();
      state.attempts += 1;
      const sentAt = Date.now();
      let answer: HttpAnswer;
      try {
        answer = await context.transport(request);
      } catch (thrown) {
        const error = asTransportError(thrown);
        if (error.reachedServer) state.maybeStored = true;
        const problem = { reason: `network: ${error.errorCode ?? error.message}`, cause: error };
        if (await retryLater(context, state, problem)) continue;
        return;
      }
      const sent = (accepted: number) =>
        context.reporter.sent({
          ...eventOf(context, state),
          status: answer.status,
          durationMs: Date.now() - sentAt,
          accepted,
          rejected: 1 - accepted,
          remaining: 0,
          replayed: answer.header('idempotent-replayed') === 'true',
        });
      if (answer.status >= 200 && answer.status < 300) {
        const result = resultOf(context, answer);
        if (result) {
          sent(1);
          item.resolve(result);
        } else {
          state.maybeStored = true;
          giveUp(context, state, 'bad-answer', {
            reason: 'unreadable answer',
            status: answer.status,
          });
        }
        return;
      }
      const errors = answerErrors(answer);
      if (refusesItem(answer)) {
        sent(0);
        item.reject(new ItemRejectedError(answer.status, errors));
        return;
      }
      const verdict = requestProblem(answer, errors);
      if (verdict.unknownOutcome) state.maybeStored = true;
      if (!verdict.retry) {
        giveUp(context, state, 'refused', verdict.problem);
        return;
      }
      if (!(await retryLater(context, state, verdict.problem))) return;
    }
  } catch (error) {
    giveUp(context, { ...state, maybeStored: true }, 'bad-answer', {
      reason: 'client error',
      cause: error,
    });
  } finally {
    context.reporter.inFlight -= 1;
  }
}
