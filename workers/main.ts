import { ConfigError, loadConfigOrExit } from '../config/index.js';
import { startTracing } from '../shared/infra/telemetry/tracing/tracing.js';

const config = loadConfigOrExit();
// Before the process's modules load: tracing patches ioredis, mysql2, mongodb and pino as they are imported.
const tracing = await startTracing(config.tracing, 'spillway-workers');
const { runWorkersProcess } = await import('./workers-process.js');
try {
  await runWorkersProcess(config, tracing);
} catch (error) {
  // WORKER_QUEUES naming a queue this build has no consumer for stops it as a bad variable does.
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
