import { SpanKind, type Attributes, type Context, type Link } from '@opentelemetry/api';
import { tracing } from '@opentelemetry/sdk-node';
import type { TracingConfig } from '../../config/index.js';
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

const isRedisCommand = (kind: SpanKind, attributes: Attributes) =>
  kind === SpanKind.CLIENT &&
  (attributes['db.system.name'] === 'redis' || attributes['db.system'] === 'redis');

/**
 * The configured sampler, except that the Redis commands of a bulk add
 * (bulk-add.ts) are not recorded: the add's own span already has their time.
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
    if (isInBulkAdd(ctx) && isRedisCommand(spanKind, attributes))
      return { decision: SamplingDecision.NOT_RECORD };
    return this.configured.shouldSample(ctx, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `SpillwaySampler{${this.configured.toString()}}`;
  }
}
