import {
  SpanKind,
  isSpanContextValid,
  trace,
  type Attributes,
  type Context,
  type Link,
} from '@opentelemetry/api';
import { tracing } from '@opentelemetry/sdk-node';
import type { TracingConfig } from '../../../../config/index.js';
import { isInBulkAdd } from './bulk-add.js';

type Sampler = tracing.Sampler;
const { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, SamplingDecision } = tracing;
const TraceIdRatio = tracing.TraceIdRatioBasedSampler;

/** The sampler OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG name, as the specification defines it. */
export function configuredSampler({ name, ratio }: TracingConfig['sampler']): Sampler {
  const root: Record<string, () => Sampler> = {
    always_on: () => new AlwaysOnSampler(),
    always_off: () => new AlwaysOffSampler(),
    traceidratio: () => new TraceIdRatio(ratio),
  };
  if (!name.startsWith('parentbased_')) return root[name]!();
  return new ParentBasedSampler({ root: root[name.slice('parentbased_'.length)]!() });
}

const databaseOf = (kind: SpanKind, attributes: Attributes) =>
  kind === SpanKind.CLIENT ? (attributes['db.system.name'] ?? attributes['db.system']) : undefined;

const hasParent = (ctx: Context) => {
  const parent = trace.getSpanContext(ctx);
  return parent !== undefined && isSpanContextValid(parent);
};

/**
 * The configured sampler, except that these database commands are not recorded:
 * - one made outside any trace: a worker's stalled-job check, a readiness ping,
 *   the outbox relay's poll. Each would be a trace of its own, many a minute,
 *   and none is part of a write;
 * - a Redis command of a bulk add (bulk-add.ts): the add's own span already has
 *   their time.
 */
export class SpillwaySampler implements Sampler {
  constructor(private readonly configured: Sampler) {}

  shouldSample(
    ctx: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): tracing.SamplingResult {
    const database = databaseOf(spanKind, attributes);
    if (database !== undefined && (!hasParent(ctx) || (database === 'redis' && isInBulkAdd(ctx))))
      return { decision: SamplingDecision.NOT_RECORD };
    return this.configured.shouldSample(ctx, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `SpillwaySampler{${this.configured.toString()}}`;
  }
}
