import { loadConfigOrExit } from '../../../config/index.js';
import { startTracing } from '../../../shared/infra/telemetry/tracing/tracing.js';

/**
 * The API process as api/main.ts runs it, through a test seam: it kills
 * itself after a keyed write was enqueued (a bulk request: after its first
 * chunk) and before the write's answer is stored. A crash as real as it gets:
 * no finally block, no shutdown hook runs. Used by test/chaos/idempotency-crash.test.ts.
 */
const die = (): void => {
  process.kill(process.pid, 'SIGKILL');
};

const config = loadConfigOrExit();
const tracing = await startTracing(config.tracing, 'dying-api');
const { runApiProcess } = await import('../../../api/api-process.js');
await runApiProcess(config, tracing, process.argv.slice(2), {
  idempotency: { beforeAnswerStored: die, afterFirstBulkChunk: die },
});
