import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KoaInstrumentation, KoaLayerType } from '@opentelemetry/instrumentation-koa';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import type { TracingConfig } from '../../../../config/index.js';
import { configuredSampler, SpillwaySampler } from './sampler.js';
import { mongoStatement, sqlStatement } from './statements.js';
import type { Tracing } from './tracing.js';
import { within } from '../../process/within.js';

/** How long shutdown waits for the last spans to be sent. */
const FLUSH_LIMIT_MS = 2000;

/** Probes and scrapes would be most of the traces and say nothing about a write. */
const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics']);

function instrumentations() {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) =>
        UNTRACED_PATHS.has((request.url ?? '').split('?', 1)[0] ?? ''),
    }),
    // Router layers name the route; a span per middleware layer would be noise.
    new KoaInstrumentation({ ignoreLayersType: [KoaLayerType.MIDDLEWARE] }),
    // Only commands made inside a traced operation: BullMQ's idle polling stays out.
    // The command name only: the arguments of an add script are the job, a user's data.
    new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (name) => name }),
    // Statements as shapes: the values are users' data (statements.ts).
    new MySQL2Instrumentation({ maskStatement: true, maskStatementHook: sqlStatement }),
    new MongoDBInstrumentation({ dbStatementSerializer: mongoStatement }),
    new UndiciInstrumentation(),
    // Log lines written inside a span carry trace_id and span_id; the lines stay on stdout.
    new PinoInstrumentation({ disableLogSending: true }),
  ];
}

/**
 * The OpenTelemetry Node SDK, configured by the standard OTEL_* variables
 * (exporter, protocol, endpoint, headers) and the sampler they name. `serviceName` is the
 * default `service.name`; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES
 * override it. Must run before koa, ioredis, mysql2, mongodb and pino are imported.
 */
export async function startSdk(config: TracingConfig, serviceName: string): Promise<Tracing> {
  // Only the modules an instrumentation hooks are wrapped, not every module loaded.
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    instrumentations: instrumentations(),
    sampler: new SpillwaySampler(configuredSampler(config.sampler)),
    // Traces only: metrics are scraped from /metrics, logs are read from stdout. Without
    // these the SDK would also push both over OTLP (their OTEL_*_EXPORTER default).
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  await waitForAllMessagesAcknowledged();
  // A collector that hangs must not hold the process past its shutdown deadline
  // (the exporter's own timeout is 10 s): spans not sent by then are given up.
  return { enabled: true, shutdown: () => within(() => sdk.shutdown(), FLUSH_LIMIT_MS) };
}
