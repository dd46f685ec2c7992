import { loadConfigOrExit } from '../config/index.js';
import { startTracing } from '../shared/infra/telemetry/tracing/tracing.js';

const config = loadConfigOrExit();
// Before the process's modules load: tracing patches ioredis, mysql2, mongodb and pino as they are imported.
const tracing = await startTracing(config.tracing, 'spillway-workers');
const { runWorkersProcess } = await import('./workers-process.js');
await runWorkersProcess(config, tracing);
