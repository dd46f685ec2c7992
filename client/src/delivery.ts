import { DeliveryFailedError, type DeliveryFailure } from './errors/index.js';
import type { RetriedEvent, Reporter, WriteKind } from './events.js';
import type { Pause } from './pause.js';
import type { ResourceSpec } from './resources.js';
import { retryAfterMs, retryDelayMs, type RetryPolicy } from './retry-policy.js';
import {
  asTransportError,
  type HttpAnswer,
  type HttpRequest,
  type Transport,
} from './transport.js';
import type { WriteResult } from './write-result.js';

/** A caller's write the client holds until its promise settles. */
export interface Pending {
  resolve(result: WriteResult<unknown, unknown>): void;
  reject(error: Error): void;
}

/** Everything a delivery of one resource's writes needs. */
export interface DeliveryContext {
  readonly transport: Transport;
  readonly spec: ResourceSpec;
  /** `http://host:port` of the resource's service. */
  readonly origin: string;
  /** Path before `/<resource>` (`/public-api` through the public API; '' otherwise). */
  readonly pathPrefix: string;
  /** Headers of every request (authorization, Prefer, the caller's own). */
  readonly headers: Readonly<Record<string, string>>;
  readonly retry: RetryPolicy;
  /** The resource's service-wide wait after a 429 or 503. */
  readonly pause: Pause;
  readonly reporter: Reporter;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** A fresh, unique Idempotency-Key. */
  readonly newKey: () => string;
}

/** One request's attempts so far: what its retries are counted and judged by. */
export interface Attempts {
  readonly kind: WriteKind;
  /** Items still waiting for their results. */
  readonly items: readonly Pending[];
  readonly key: string;
  attempts: number;
  retries: number;
  /** When the first attempt (of this request, or of the one it continues) was sent. */
  startedAt: number;
  /**
   * Whether an attempt under `key` may have been processed without the client
   * learning its answer; cleared by a definitive answer for the key.
   */
  maybeStored: boolean;
}

/** Why a request is retried (or given up on). */
export interface Problem {
  readonly reason: string;
  readonly status?: number;
  readonly errors?: readonly string[];
  /** What the server asked for in `Retry-After`. */
  readonly retryAfterMs?: number;
  /** A 429 or 503: the whole service is to be left alone for the `Retry-After`. */
  readonly pausesService?: boolean;
  readonly cause?: unknown;
}

/** The problem an answer without item results is: `retry` (with why), or `refused` for good. */
export function requestProblem(
  answer: HttpAnswer,
  errors: readonly string[],
): { readonly retry: boolean; readonly unknownOutcome: boolean; readonly problem: Problem } {
  const { status } = answer;
  const retryAfter = retryAfterMs(answer.header('retry-after'));
  const base = { status, errors, ...(retryAfter !== undefined && { retryAfterMs: retryAfter }) };
  if (status === 429 || status === 503) {
    // Refused before anything was queued (rate limit, backlog, queue Redis down).
    return {
      retry: true,
      unknownOutcome: false,
      problem: { ...base, reason: `${status} ${errors[0] ?? ''}`.trim(), pausesService: true },
    };
  }
  if (status === 409 && retryAfter !== undefined) {
    // An earlier attempt under this key is still running (or died holding it): ask again.
    return {
      retry: true,
      unknownOutcome: false,
      problem: { ...base, reason: '409 same key in progress' },
    };
  }
  if (status === 408 || status >= 500) {
    // The request may have run before it failed: its outcome is unknown.
    return { retry: true, unknownOutcome: true, problem: { ...base, reason: `${status}` } };
  }
  return {
    retry: false,
    // 422 without item results is a reused key: what ran under it is not known here.
    unknownOutcome: status === 422,
    problem: { ...base, reason: `${status} refused` },
  };
}

/** The event fields of a request's current attempt. */
export function eventOf(context: DeliveryContext, state: Attempts) {
  return {
    resource: context.spec.name,
    kind: state.kind,
    items: state.items.length,
    idempotencyKey: state.key,
    attempt: state.attempts,
  };
}

/** Rejects every item of the request with one `DeliveryFailedError`. */
export function giveUp(
  context: DeliveryContext,
  state: Attempts,
  reason: DeliveryFailure,
  problem: Problem,
): void {
  const error = new DeliveryFailedError({
    reason,
    maybeStored: state.maybeStored,
    attempts: state.attempts,
    ...(problem.status !== undefined && { status: problem.status }),
    ...(problem.errors && { errors: problem.errors }),
    idempotencyKey: state.key,
    cause: problem.cause,
  });
  for (const item of state.items) item.reject(error);
  context.reporter.failed({ ...eventOf(context, state), error });
}

/**
 * Waits before the request's next attempt, or gives up (rejecting its items)
 * when the retry budget does not allow one more. A 429 or 503 holds back
 * every request of the service for the server's `Retry-After`.
 */
export async function retryLater(
  context: DeliveryContext,
  state: Attempts,
  problem: Problem,
): Promise<boolean> {
  const policy = context.retry;
  state.retries += 1;
  const delayMs = retryDelayMs(state.retries, policy, problem.retryAfterMs, context.random);
  const now = Date.now();
  if (state.retries > policy.retries || now - state.startedAt + delayMs > policy.maxElapsedMs) {
    giveUp(context, state, 'retries-exhausted', problem);
    return false;
  }
  if (problem.pausesService && problem.retryAfterMs !== undefined) {
    context.pause.hold(now + delayMs);
  }
  const event: RetriedEvent = {
    ...eventOf(context, state),
    reason: problem.reason,
    status: problem.status,
    delayMs: Math.round(delayMs),
  };
  context.reporter.retried(event);
  await context.sleep(delayMs);
  return true;
}

/**
 * One attempt of a request (after the service's pause, if one runs): its
 * answer, or, when none came, the problem to retry it for. A request that
 * may have reached the server marks its items maybe stored.
 */
export async function attempt(
  context: DeliveryContext,
  state: Attempts,
  request: HttpRequest,
): Promise<{ readonly answer: HttpAnswer } | { readonly problem: Problem }> {
  await context.pause.wait();
  state.attempts += 1;
  try {
    return { answer: await context.transport(request) };
  } catch (thrown) {
    const error = asTransportError(thrown);
    if (error.reachedServer) state.maybeStored = true;
    return { problem: { reason: `network: ${error.errorCode ?? error.message}`, cause: error } };
  }
}
