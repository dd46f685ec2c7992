import type { Logger } from '../telemetry/logger.js';

export interface ShutdownStep {
  readonly name: string;
  readonly run: () => Promise<unknown>;
}

/**
 * Runs the steps once, in order, each guarded (a failing step does not skip
 * the rest), under one deadline. Resolves true if everything finished in time.
 */
export async function runShutdown(
  steps: readonly ShutdownStep[],
  options: { timeoutMs: number; logger: Logger },
): Promise<boolean> {
  const work = (async () => {
    for (const step of steps) {
      try {
        await step.run();
        options.logger.info({ step: step.name }, 'shutdown step done');
      } catch (error) {
        options.logger.error({ step: step.name, err: error }, 'shutdown step failed');
      }
    }
    return true;
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), options.timeoutMs);
  });
  const finished = await Promise.race([work, deadline]);
  clearTimeout(timer);
  return finished;
}

/** Calls `runShutdown` on the first SIGTERM or SIGINT and exits (0 if it finished in time). */
export function exitOnSignals(
  steps: readonly ShutdownStep[],
  options: { timeoutMs: number; logger: Logger },
): void {
  let started = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    options.logger.info({ signal }, 'shutting down');
    void runShutdown(steps, options).then((inTime) => {
      if (!inTime)
        options.logger.error({ timeoutMs: options.timeoutMs }, 'shutdown deadline passed');
      process.exit(inTime ? 0 : 1);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
