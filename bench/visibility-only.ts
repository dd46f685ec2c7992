/**
 * A focused tool for the visibility goal: time from a 202 to the write being
 * readable while POSTs arrive at RATE per second (default 2,600, about half
 * the accept rate of recent full runs), for SECONDS (default 10), drained by the
 * same two worker pools as the full bench; other KEY=VALUE arguments go to
 * the workers, e.g. `npx tsx bench/visibility-only.ts RATE=1000 WORKER_CONCURRENCY=200`.
 */
import { closeConnections } from '../shared/connections.js';
import { buildSpillway } from './lib/build.js';
import { openBenchStores, resetBenchStores } from './lib/stores.js';
import { parseToolArgs } from './lib/tool-args.js';
import { runVisibility } from './scenarios/visibility.js';

const { RATE = '2600', SECONDS = '10', ...workerEnv } = parseToolArgs(process.argv.slice(2)).env;
await buildSpillway();
const { connections } = await openBenchStores();
try {
  await resetBenchStores(connections);
  const result = await runVisibility({
    acceptRps: 2 * Number(RATE),
    seconds: Number(SECONDS),
    log: (line) => console.log(line),
    workerEnv,
  });
  const { background } = result;
  console.log(
    `max ${result.max.toFixed(1)} ms; load: ${background.ok} ok, ${background.non2xx} non-2xx, ${background.errors} errors, p99 ${background.p99} ms`,
  );
} finally {
  await resetBenchStores(connections);
  await closeConnections(connections);
}
