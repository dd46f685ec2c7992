import type { EnvReader } from './env-parsers.js';

/**
 * OpenTelemetry tracing. The SDK reads the standard `OTEL_*` variables itself
 * (exporter, protocol, endpoint, headers, resource), as the OpenTelemetry
 * specification defines them; this module decides whether tracing runs at
 * all, reads the sampler (Spillway wraps it, see shared/infra/telemetry/tracing/sampler.ts),
 * and refuses values the SDK would ignore with a warning.
 */
export interface TracingConfig {
  /**
   * On when an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or
   * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) or an exporter (OTEL_TRACES_EXPORTER) is
   * set, unless OTEL_SDK_DISABLED=true or the exporter is `none`. Off, nothing is
   * loaded and no span is made.
   */
  readonly enabled: boolean;
  /** OTEL_TRACES_SAMPLER and, for the ratio samplers, OTEL_TRACES_SAMPLER_ARG (default 1). */
  readonly sampler: { readonly name: TraceSamplerName; readonly ratio: number };
}

export type TraceSamplerName = (typeof SAMPLERS)[number];

const EXPORTERS = ['otlp', 'console', 'zipkin', 'none'] as const;
const PROTOCOLS = ['grpc', 'http/protobuf', 'http/json'] as const;
const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
const RATIO_SAMPLERS: ReadonlySet<string> = new Set(['traceidratio', 'parentbased_traceidratio']);

export function readTracing(read: EnvReader): TracingConfig {
  // The specification's booleans are case-insensitive.
  const disabled = read.string('OTEL_SDK_DISABLED', 'false').toLowerCase() === 'true';
  const exporterSet = read.optionalString('OTEL_TRACES_EXPORTER') !== undefined;
  const exporters = read.listOf('OTEL_TRACES_EXPORTER', ['otlp'], EXPORTERS);
  const endpoints = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'].filter(
    (name) => read.optionalString(name) !== undefined,
  );
  for (const name of endpoints) read.url(name, 'http://localhost:4318', ['http:', 'https:']);
  read.oneOf('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/protobuf', PROTOCOLS);
  read.oneOf('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'http/protobuf', PROTOCOLS);
  const sampler = read.oneOf('OTEL_TRACES_SAMPLER', 'parentbased_always_on', SAMPLERS);
  let ratio = 1;
  if (RATIO_SAMPLERS.has(sampler)) {
    ratio = Number(
      read.matching(
        'OTEL_TRACES_SAMPLER_ARG',
        '1',
        (raw) => raw.trim() !== '' && Number(raw) >= 0 && Number(raw) <= 1,
        'a sampling ratio from 0 to 1',
      ),
    );
  }
  const exporting = exporters.some((exporter) => exporter !== 'none');
  return {
    enabled: !disabled && exporting && (exporterSet || endpoints.length > 0),
    sampler: { name: sampler, ratio },
  };
}
