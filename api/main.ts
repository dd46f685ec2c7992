import { loadConfigOrExit } from '../config/index.js';
import { startTracing } from '../shared/infra/telemetry/tracing/tracing.js';
import { traceServiceName } from './service-selection.js';

const config = loadConfigOrExit();
const argv = process.argv.slice(2);
// Before the process's modules load: tracing patches koa, ioredis, mysql2 and pino as they are imported.
const tracing = await startTracing(config.tracing, traceServiceName(argv));
const { runApiProcess } = await import('./api-process.js');
await runApiProcess(config, tracing, argv);
