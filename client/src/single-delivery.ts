import {
  attempt,
  eventOf,
  giveUp,
  requestProblem,
  retryLater,
  type Attempts,
  type DeliveryContext,
  type Pending,
  type Problem,
} from './delivery.js';
import { answerErrors } from './bulk-answer.js';
import { ItemRejectedError } from './errors/index.js';
import type { WriteKind } from './events.js';
import type { HttpAnswer, HttpRequest } from './transport.js';

/** An update or a removal of one key: `PATCH` or `DELETE /<resource>/{id}`. */
export interface SingleWrite {
  readonly kind: Exclude<WriteKind, 'create'>;
  readonly id: string;
  /** The changes as JSON (updates). */
  readonly body?: string;
  /** `If-Match`: only if the key's latest accepted version is this one (else 412). */
  readonly ifMatch?: number | undefined;
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

function requestOf(context: DeliveryContext, write: SingleWrite, key: string): HttpRequest {
  return {
    origin: context.origin,
    path: `${context.pathPrefix}/${context.spec.name}/${encodeURIComponent(write.id)}`,
    method: write.kind === 'update' ? 'PATCH' : 'DELETE',
    headers: {
      ...context.headers,
      accept: 'application/json',
      'idempotency-key': key,
      ...(write.body !== undefined && { 'content-type': 'application/json' }),
      ...(write.ifMatch !== undefined && { 'if-match': `"${write.ifMatch}"` }),
    },
    ...(write.body !== undefined && { body: write.body }),
  };
}

/** Settles the item from an answer, or returns the problem to retry the request for. */
function onAnswer(
  context: DeliveryContext,
  state: Attempts,
  item: Pending,
  answer: HttpAnswer,
  sentAt: number,
): Problem | undefined {
  const report = (accepted: number) =>
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
      report(1);
      item.resolve(result);
    } else {
      state.maybeStored = true;
      giveUp(context, state, 'bad-answer', { reason: 'unreadable answer', status: answer.status });
    }
    return undefined;
  }
  const errors = answerErrors(answer);
  if (refusesItem(answer)) {
    report(0);
    item.reject(new ItemRejectedError(answer.status, errors));
    return undefined;
  }
  const verdict = requestProblem(answer, errors);
  if (verdict.unknownOutcome) state.maybeStored = true;
  if (verdict.retry) return verdict.problem;
  giveUp(context, state, 'refused', verdict.problem);
  return undefined;
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
  const request = requestOf(context, write, state.key);
  context.reporter.inFlight += 1;
  try {
    for (;;) {
      const sentAt = Date.now();
      const sent = await attempt(context, state, request);
      const problem =
        'answer' in sent ? onAnswer(context, state, item, sent.answer, sentAt) : sent.problem;
      if (!problem || !(await retryLater(context, state, problem))) return;
    }
  } catch (error) {
    // A fault of the client itself: the item may not wait forever.
    const problem = { reason: 'client error', cause: error };
    giveUp(context, { ...state, maybeStored: true }, 'bad-answer', problem);
  } finally {
    context.reporter.inFlight -= 1;
  }
}
