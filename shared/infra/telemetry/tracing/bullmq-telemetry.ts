import { INVALID_SPAN_CONTEXT, trace } from '@opentelemetry/api';
import type { Telemetry } from 'bullmq';
import { BullMQOtel, BullMQOTelSpan } from 'bullmq-otel';

/**
 * Operations a worker repeats while it waits or tidies up. Each would be a
 * trace of its own, many per second per shard, and none is part of a write.
 */
const HOUSEKEEPING = ['getNextJob', 'startStalledCheckTimer', 'moveStalledJobsToWait'];

function isHousekeeping(spanName: string): boolean {
  return HOUSEKEEPING.some(
    (operation) => spanName === operation || spanName.startsWith(`${operation} `),
  );
}

/**
 * BullMQ's own telemetry (bullmq-otel) for Spillway's queues and workers: the
 * add, process, complete and retry spans, and the trace context carried in
 * every job. Undefined when tracing is off, so BullMQ makes no span at all.
 */
export function queueTelemetry(enabled: boolean): Telemetry | undefined {
  if (!enabled) return undefined;
  const otel = new BullMQOtel({ tracerName: 'spillway-bullmq' });
  const untraced = new BullMQOTelSpan(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  return {
    contextManager: otel.contextManager,
    tracer: {
      startSpan: (name, options, ctx) =>
        isHousekeeping(name) ? untraced : otel.tracer.startSpan(name, options, ctx),
    },
  };
}
