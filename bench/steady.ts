/**
 * The steady state alone (`npm run bench:steady`, issue 28 item 5): bulk NDJSON
 * to POST /listings/bulk and single POST /listings, each stored in MySQL and
 * replicated to Mongo while the writes still arrive, side by side in one run
 * with BullMQ's own ceiling for the same shape (empty jobs added by addBulk /
 * Queue.add while one worker process completes them). The same rows as in
 * `npm run bench`. Prints a table of ratios and saves the raw runs in
 * bench/results/steady-<timestamp>.json.
 * Environment: BULK_WRITES (default 100,000), SINGLE_WRITES (default 30,000),
 * ROUNDS (default 2).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { closeConnections } from '../shared/infra/process/connections.js';
import { buildSpillway } from './lib/build.js';
import { ROOT } from './lib/child.js';
import { fmt } from './lib/cpu-report.js';
import { openBenchStores, resetBenchStores } from './lib/stores.js';
import { renderSteadyTable, STEADY_GOAL } from './lib/steady-report.js';
import { runSteady } from './scenarios/steady.js';

const plan = {
  bulkWrites: Number(process.env.BULK_WRITES ?? 100_000),
  singleWrites: Number(process.env.SINGLE_WRITES ?? 30_000),
  rounds: Number(process.env.ROUNDS ?? 2),
  log: (line: string) => console.log(line),
};
await buildSpillway();
const { config, connections } = await openBenchStores();
try {
  const steady = await runSteady(config, connections, plan);
  const ratio = steady.bulk.writesPerSec / steady.bulkCeiling.writesPerSec;
  const table = [
    `Spillway steady state ${new Date().toISOString()} (best of ${plan.rounds} rounds)`,
    '',
    ...renderSteadyTable(steady),
    '',
    `goal steady bulk / BullMQ ceiling ≥ ${STEADY_GOAL}: ${fmt(ratio, 2)} × — ${ratio >= STEADY_GOAL ? 'met' : 'NOT met'}`,
  ].join('\n');
  console.log(`\n${table}`);
  const dir = join(ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `steady-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(
    file,
    JSON.stringify({ plan: { ...plan, log: undefined }, steady, table }, null, 2),
  );
  console.log(`raw results: ${file}`);
} finally {
  await resetBenchStores(connections).catch(() => undefined);
  await closeConnections(connections);
}
