import {
  ROOT_CONTEXT,
  context,
  isSpanContextValid,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';

/**
 * Spans Spillway makes itself, where the instrumentations cannot know the
 * shape of the work: a batch that carries many writes, each from its own
 * request. With tracing off (no SDK registered) every context is empty and
 * these run the work directly, making no span.
 */
// Looked up per span (only when traced), so a provider registered later is used.
const tracer = () => trace.getTracer('spillway');

/**
 * Runs `work` outside any trace, for something long-lived that a request
 * happens to start (a listener and its read loop, an idle timer): left in the
 * request's context, every Redis command it ever sends would join that trace.
 */
export function outsideAnyTrace<R>(work: () => R): R {
  return context.with(ROOT_CONTEXT, work);
}

/** The trace context a submitted item came from, kept so its batch can be traced as its. */
export function activeTraceContext(): Context {
  return context.active();
}

function isTraced(ctx: Context): boolean {
  return trace.getSpan(ctx)?.isRecording() === true;
}

/**
 * Runs `work` as one span for a batch: a child of the first item's span, so a
 * batch of one stays inside its request's trace, linked to every item's span,
 * and named in an event on every item's span (`in <name>`, with the batch's
 * trace and span id), so each write's trace leads to the batch that carried it.
 */
export async function inBatchSpan<R>(
  name: string,
  itemContexts: readonly Context[],
  attributes: Attributes,
  work: () => Promise<R>,
): Promise<R> {
  const traced = itemContexts.filter(isTraced);
  const parent = traced[0];
  if (!parent) return work();
  const links: Link[] = traced.map((ctx) => ({ context: trace.getSpan(ctx)!.spanContext() }));
  const span = tracer().startSpan(
    name,
    { attributes: { ...attributes, 'spillway.batch.size': itemContexts.length }, links },
    parent,
  );
  // Links point from the batch to each item; this event points back, so a write's
  // own trace says where its statement is even when it was not first in the batch.
  const batch = span.spanContext();
  for (const ctx of traced)
    trace.getSpan(ctx)!.addEvent(`in ${name}`, {
      'spillway.batch.trace_id': batch.traceId,
      'spillway.batch.span_id': batch.spanId,
    });
  return runInSpan(span, trace.setSpan(parent, span), work);
}

/** Runs `work` in a child span of the active span; untraced work (no recording span) runs as is. */
export async function inChildSpan<R>(
  name: string,
  attributes: Attributes,
  work: () => Promise<R>,
): Promise<R> {
  const parent = context.active();
  if (!isTraced(parent)) return work();
  const span = tracer().startSpan(name, { attributes }, parent);
  return runInSpan(span, trace.setSpan(parent, span), work);
}

/**
 * Starts a span in the active context that ends when `until` settles, for work
 * that finishes elsewhere (a write waiting in the intake batch). Returns the
 * context to hand on, or the active one untouched when it is not traced.
 */
export function spanUntil(name: string, attributes: Attributes, until: Promise<unknown>): Context {
  const parent = context.active();
  if (!isTraced(parent)) return parent;
  const span = tracer().startSpan(name, { attributes }, parent);
  until.then(
    () => span.end(),
    (error: unknown) => {
      recordFailure(span, error);
      span.end();
    },
  );
  return trace.setSpan(parent, span);
}

/**
 * The trace context as BullMQ's telemetry carries it in a job
 * (`opts.telemetry.metadata`): the job's processing becomes a child of `ctx`.
 * A request that was not sampled passes that on too, so its job is not
 * sampled again on its own. Undefined with no trace at all (tracing off), so
 * the job is unchanged. Baggage stays behind: it is whatever a caller put in
 * its `baggage` header, and the job would keep it in Redis.
 */
export function jobTraceMetadata(ctx: Context): string | undefined {
  const span = trace.getSpan(ctx);
  if (!span || !isSpanContextValid(span.spanContext())) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(propagation.deleteBaggage(ctx), carrier);
  return JSON.stringify(carrier);
}

async function runInSpan<R>(span: Span, ctx: Context, work: () => Promise<R>): Promise<R> {
  try {
    return await context.with(ctx, work);
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}

function recordFailure(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: 2, message: error instanceof Error ? error.message : String(error) });
}
