import { context, propagation, trace } from '@opentelemetry/api';
import { node, tracing } from '@opentelemetry/sdk-node';

/**
 * A real OpenTelemetry tracer provider for the duration of a test, keeping
 * finished spans in memory. Installed globally (as the SDK is in a process),
 * and removed again so later tests run untraced.
 */
export function recordSpans(options: { sampler?: tracing.Sampler } = {}): {
  readonly exporter: InstanceType<typeof tracing.InMemorySpanExporter>;
  stop(): Promise<void>;
} {
  const exporter = new tracing.InMemorySpanExporter();
  const provider = new node.NodeTracerProvider({
    ...(options.sampler ? { sampler: options.sampler } : {}),
    spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
  });
  provider.register();
  return {
    exporter,
    async stop() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
