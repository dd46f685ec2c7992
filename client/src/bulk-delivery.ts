import { readBulkAnswer, type BulkItemLine, type BulkSummary } from './bulk-answer.js';
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
import { ItemRejectedError } from './errors/index.js';
import type { HttpAnswer, HttpRequest } from './transport.js';
import { retryAfterMs } from './retry-policy.js';

/** A create waiting in a batch: the item already serialized as its NDJSON line. */
export interface PendingCreate extends Pending {
  readonly line: string;
}

/** A run of a batch's items sent as one request under one key. */
interface Range extends Attempts {
  readonly items: readonly PendingCreate[];
}

/** What a bulk delivery tells the batcher that sent it. */
export interface BulkFeedback {
  /** The server took at most `max` items of a request (its BULK_MAX_ITEMS): send no more at once. */
  limitItems(max: number): void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A range of `items` under a key of its own, counting its retries with the range it continues. */
function rangeOf(context: DeliveryContext, items: readonly PendingCreate[], from?: Range): Range {
  return {
    kind: 'create',
    items,
    key: context.newKey(),
    attempts: from?.attempts ?? 0,
    retries: from?.retries ?? 0,
    startedAt: from?.startedAt ?? Date.now(),
    maybeStored: false,
  };
}

/** Settles an item from its line of the answer; false when the line is missing or unreadable. */
function settle(context: DeliveryContext, item: PendingCreate, line: BulkItemLine): boolean {
  if (line.status >= 200 && line.status < 300) {
    const resource = line[context.spec.key];
    if (!isRecord(resource)) return false;
    item.resolve({
      status: line.status,
      id: resource[context.spec.idField],
      jobId: line.job_id ?? '',
      resource,
    });
    return true;
  }
  item.reject(new ItemRejectedError(line.status, line.errors ?? []));
  return true;
}

/**
 * The items the server processed (those before `processed`, or all of them)
 * get their results; the rest are returned, to go in a next request.
 */
function settleProcessed(
  context: DeliveryContext,
  range: Range,
  answer: HttpAnswer,
  lines: ReadonlyMap<number, BulkItemLine>,
  summary: BulkSummary,
  durationMs: number,
): readonly PendingCreate[] {
  const processed = Math.min(summary.processed ?? range.items.length, range.items.length);
  let accepted = 0;
  const unreadable: PendingCreate[] = [];
  for (let index = 0; index < processed; index += 1) {
    const item = range.items[index]!;
    const line = lines.get(index);
    if (!line || !settle(context, item, line)) unreadable.push(item);
    else if (line.status < 300) accepted += 1;
  }
  const rest = range.items.slice(processed);
  context.reporter.sent({
    ...eventOf(context, range),
    status: answer.status,
    durationMs,
    accepted,
    rejected: processed - accepted - unreadable.length,
    remaining: rest.length,
    replayed: answer.header('idempotent-replayed') === 'true',
  });
  if (unreadable.length > 0) {
    // Answered under the key, but without a readable result: asking again replays the same.
    giveUp(context, { ...range, items: unreadable, maybeStored: true }, 'bad-answer', {
      reason: 'an item without its result line',
      status: answer.status,
    });
  }
  return rest;
}

/**
 * The server stopped early (`processed` items done, `rest` left): what goes
 * next. A limit (413) continues at once; an item the server could not read
 * (400) is refused and the rest continue; anything else (429, 503, a 500
 * after some chunks) is retried after a delay. Every continuation is a new
 * request under a new key: the old key's answer is final.
 */
async function afterStop(
  context: DeliveryContext,
  feedback: BulkFeedback,
  range: Range,
  answer: HttpAnswer,
  summary: BulkSummary,
  rest: readonly PendingCreate[],
): Promise<Range[]> {
  const errors = summary.errors ?? [];
  const processed = range.items.length - rest.length;
  const next = (items: readonly PendingCreate[]) =>
    items.length > 0 ? [rangeOf(context, items, range)] : [];
  if (answer.status === 413) {
    if (processed > 0) {
      if (!errors.some((message) => /too many items/.test(message))) return next(rest);
      // The server's item limit: the rest go in requests it can take whole.
      feedback.limitItems(processed);
      const ranges: Range[] = [];
      for (let from = 0; from < rest.length; from += processed) {
        ranges.push(rangeOf(context, rest.slice(from, from + processed), range));
      }
      return ranges;
    }
    return split(context, range, answer.status, errors);
  }
  if (answer.status === 400 && !errors.some((message) => /ended early/.test(message))) {
    // The item at `processed` stopped the reading (e.g. longer than the server's item limit).
    rest[0]!.reject(new ItemRejectedError(400, errors));
    context.reporter.rejected(1);
    return next(rest.slice(1));
  }
  const continued = rangeOf(context, rest, range);
  const retryAfter = retryAfterMs(answer.header('retry-after'));
  const ok = await retryLater(context, continued, {
    reason: `${answer.status} after ${processed} item(s): ${errors[0] ?? ''}`.trim(),
    status: answer.status,
    errors,
    ...(retryAfter !== undefined && { retryAfterMs: retryAfter }),
    pausesService: answer.status === 429 || answer.status === 503,
  });
  return ok ? [continued] : [];
}

/** A request too large for the server (413, nothing processed): two halves, or the item refused. */
function split(
  context: DeliveryContext,
  range: Range,
  status: number,
  errors: readonly string[],
): Range[] {
  if (range.items.length === 1) {
    range.items[0]!.reject(new ItemRejectedError(status, errors));
    context.reporter.rejected(1);
    return [];
  }
  const half = Math.ceil(range.items.length / 2);
  const halves = [range.items.slice(0, half), range.items.slice(half)].map((items) =>
    rangeOf(context, items, range),
  );
  context.reporter.retried({
    ...eventOf(context, range),
    reason: `${status} too large: split in two`,
    status,
    delayMs: 0,
  });
  return halves;
}

/** What comes after an attempt: the ranges that continue it (none: done), or a retry. */
type Step = { readonly next: Range[] } | { readonly retry: Problem };

/** Reads one attempt's answer: items settled, or the request refused, split or to be retried. */
async function onAnswer(
  context: DeliveryContext,
  feedback: BulkFeedback,
  range: Range,
  answer: HttpAnswer,
  sentAt: number,
): Promise<Step> {
  const read = readBulkAnswer(answer);
  if (read.kind === 'items') {
    // The answer for this key: it says exactly which items were queued.
    range.maybeStored = false;
    const { lines, summary } = read;
    const rest = settleProcessed(context, range, answer, lines, summary, Date.now() - sentAt);
    if (rest.length === 0) return { next: [] };
    return { next: await afterStop(context, feedback, range, answer, summary, rest) };
  }
  const errors = read.kind === 'request' ? read.errors : [read.problem];
  if (answer.status >= 200 && answer.status < 300) {
    range.maybeStored = true;
    const problem = { reason: 'unreadable answer', status: answer.status, errors };
    giveUp(context, range, 'bad-answer', problem);
    return { next: [] };
  }
  if (answer.status === 413) return { next: split(context, range, answer.status, errors) };
  const verdict = requestProblem(answer, errors);
  if (verdict.unknownOutcome) range.maybeStored = true;
  if (verdict.retry) return { retry: verdict.problem };
  giveUp(context, range, 'refused', verdict.problem);
  return { next: [] };
}

/** Sends one range until every item has its result; returns the ranges that continue it. */
async function deliverRange(
  context: DeliveryContext,
  feedback: BulkFeedback,
  range: Range,
): Promise<Range[]> {
  const request: HttpRequest = {
    origin: context.origin,
    path: `${context.pathPrefix}/${context.spec.name}/bulk`,
    method: 'POST',
    headers: {
      ...context.headers,
      'content-type': 'application/x-ndjson',
      accept: 'application/x-ndjson',
      'idempotency-key': range.key,
    },
    body: `${range.items.map((item) => item.line).join('\n')}\n`,
  };
  for (;;) {
    const sentAt = Date.now();
    const sent = await attempt(context, range, request);
    const step =
      'answer' in sent
        ? await onAnswer(context, feedback, range, sent.answer, sentAt)
        : { retry: sent.problem };
    if ('next' in step) return step.next;
    if (!(await retryLater(context, range, step.retry))) return [];
  }
}

/**
 * Delivers one batch of creates as `POST /<resource>/bulk` NDJSON under an
 * Idempotency-Key, until every item has its own result: each item resolves
 * with its answer line (matched by index) or rejects with its errors. Retries
 * reuse the key, so a batch the server already took is answered from its
 * first answer, never queued twice.
 */
export async function deliverBulk(
  context: DeliveryContext,
  feedback: BulkFeedback,
  items: readonly PendingCreate[],
): Promise<void> {
  const work: Range[] = [rangeOf(context, items)];
  context.reporter.inFlight += 1;
  try {
    for (let range = work.shift(); range; range = work.shift()) {
      work.unshift(...(await deliverRange(context, feedback, range)));
    }
  } catch (error) {
    // A fault of the client itself: no item may wait forever (settled ones ignore this).
    giveUp(context, { ...rangeOf(context, items), maybeStored: true }, 'bad-answer', {
      reason: 'client error',
      cause: error,
    });
  } finally {
    context.reporter.inFlight -= 1;
  }
}
