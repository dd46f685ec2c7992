import { context, createContextKey, type Context } from '@opentelemetry/api';

const BULK_ADD = createContextKey('spillway.bulk-add');

/**
 * Runs a bulk add (one MULTI of one add script per job) in a context that
 * marks it, so the Redis command of each job is not a span of its own: the
 * add's one span stands for them all (see sampler.ts). Without it a traced
 * batch of 500 writes would export 500 identical `evalsha` spans, and at 1 %
 * sampling most intake batches hold one sampled write. With tracing off the
 * context is not kept and this only runs `work`.
 */
export function inBulkAdd<R>(work: () => Promise<R>): Promise<R> {
  return context.with(context.active().setValue(BULK_ADD, true), work);
}

export function isInBulkAdd(ctx: Context): boolean {
  return ctx.getValue(BULK_ADD) === true;
}
