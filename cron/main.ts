import { loadConfigOrExit } from '../config/index.js';
import { startTracing } from '../shared/infra/telemetry/tracing/tracing.js';

const config = loadConfigOrExit();
// Before the process's modules load: tracing patches ioredis, mongodb and pino as they are imported.
const tracing = await startTracing(config.tracing, 'spillway-cron');
const { runCronProcess } = await import('./cron-process.js');
await runCronProcess(config, tracing, process.argv.slice(2));
