/**
 * A focused tool for the visibility goal: time from a 202 to the write being
 * readable while POSTs arrive at RATE per second (default 2,600, about half
 * the accept rate of recent full runs), for SECONDS (default 10), drained by the
 * same two worker pools as the full bench; other KEY=VALUE arguments go to
 * the workers, e.g. `npx tsx bench/visibility-only.ts RATE=1000 WORKER_CONCURRENCY=200`.
 * BREAKDOWN=1 breaks each sample's time down by stage (queue wait, batch wait,
 * INSERT, cache invalidation, the read) and records every process's event-loop
 * delay (scenarios/visibility-breakdown.ts), and saves the run in
 * bench/results/visibility-<timestamp>.json. API_<KEY>=VALUE goes to the API as KEY=VALUE.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { closeConnections } from '../shared/infra/process/connections.js';
import { buildSpillway } from './lib/build.js';
import { ROOT } from './lib/child.js';
import { openBenchStores, resetBenchStores } from './lib/stores.js';
import { parseToolArgs } from './lib/tool-args.js';
import { runVisibility } from './scenarios/visibility.js';
import { renderBreakdown } from './scenarios/visibility-breakdown.js';

const {
  RATE = '2600',
  SECONDS = '10',
  BREAKDOWN = '0',
  ...rest
} = parseToolArgs(process.argv.slice(2)).env;
const apiEnv = Object.fromEntries(
  Object.entries(rest)
    .filter(([key]) => key.startsWith('API_'))
    .map(([key, value]) => [key.slice(4), value]),
);
const workerEnv = Object.fromEntries(
  Object.entries(rest).filter(([key]) => !key.startsWith('API_')),
);
await buildSpillway();
const { connections } = await openBenchStores();
try {
  await resetBenchStores(connections);
  const result = await runVisibility({
    acceptRps: 2 * Number(RATE),
    seconds: Number(SECONDS),
    log: (line) => console.log(line),
    workerEnv,
    apiEnv,
    breakdown: BREAKDOWN === '1',
  });
  const { background } = result;
  console.log(
    `max ${result.max.toFixed(1)} ms; load: ${background.ok} ok, ${background.non2xx} non-2xx, ${background.errors} errors, p99 ${background.p99} ms`,
  );
  if (result.breakdown) {
    console.log(`\n${renderBreakdown(result.breakdown, result).join('\n')}`);
    const dir = join(ROOT, 'bench', 'results');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `visibility-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    await writeFile(
      file,
      JSON.stringify({ rate: Number(RATE), workerEnv, apiEnv, result }, null, 2),
    );
    console.log(`raw results: ${file}`);
  }
} finally {
  await resetBenchStores(connections);
  await closeConnections(connections);
}
