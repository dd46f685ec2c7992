/**
 * A focused tool for the visibility goal: time from a 202 to the write being
 * readable while POSTs arrive at RATE per second (default 2,600: half the
 * accept rate of the last full run), for SECONDS (default 10), drained by the
 * same two worker pools as the full bench, e.g.
 * `npx tsx bench/visibility-only.ts RATE=1000`.
 */
import { closeConnections } from '../shared/connections.js';
import { buildSpillway } from './lib/build.js';
import { openBenchStores, resetBenchStores } from './lib/stores.js';
import { parseToolArgs } from './lib/tool-args.js';
import { runVisibility } from './scenarios/visibility.js';

const { env } = parseToolArgs(process.argv.slice(2));
await buildSpillway();
const { connections } = await openBenchStores();
try {
  await resetBenchStores(connections);
  const result = await runVisibility({
    acceptRps: 2 * Number(env.RATE ?? 2600),
    seconds: Number(env.SECONDS ?? 10),
    log: (line) => console.log(line),
  });
  const { background } = result;
  console.log(
    `max ${result.max.toFixed(1)} ms; load: ${background.ok} ok, ${background.non2xx} non-2xx, ${background.errors} errors, p99 ${background.p99} ms`,
  );
} finally {
  await resetBenchStores(connections);
  await closeConnections(connections);
}
