import type { TracingConfig } from '../../../../config/index.js';

export interface Tracing {
  readonly enabled: boolean;
  /** Sends the spans still buffered and stops the SDK; a no-op when tracing is off. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry for this process when the configuration turns it on.
 * ES modules are patched as they load, so an entry file calls this before it
 * imports its process's wiring. Off, the SDK is not even loaded.
 */
export async function startTracing(config: TracingConfig, serviceName: string): Promise<Tracing> {
  if (!config.enabled) return { enabled: false, shutdown: async () => {} };
  const { startSdk } = await import('./sdk.js');
  return startSdk(config, serviceName);
}
