/**
 * `npm run bench [-- --quick] [-- --out DIR]`: Spillway against the honest
 * alternatives, side by side on this machine (issue 5). Prints one table,
 * writes DIR/<timestamp>.json, DIR/latest.json and DIR/latest.svg
 * (DIR defaults to bench/results). Uses its own stores (see lib/stores.ts).
 */
import { cpus } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { closeConnections } from '../shared/infra/process/connections.js';
import { buildSpillway } from './lib/build.js';
import { renderChart } from './lib/chart.js';
import { ROOT } from './lib/child.js';
import { evaluateGoals, renderTable, steadyGoal, type BenchResults } from './lib/report.js';
import { openBenchStores, resetBenchStores } from './lib/stores.js';
import { runDrains } from './scenarios/drain.js';
import { runHttpScenarios } from './scenarios/http.js';
import { runRedisBytesPerJob } from './scenarios/memory.js';
import { runSteady } from './scenarios/steady.js';
import { runVisibility } from './scenarios/visibility.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const outIndex = argv.indexOf('--out');
const out = outIndex >= 0 && argv[outIndex + 1] ? argv[outIndex + 1]! : join(ROOT, 'bench/results');
const plan = quick
  ? {
      seconds: 2,
      rounds: 1,
      drainJobs: 10_000,
      oneByOneJobs: 1_000,
      visibilitySeconds: 3,
      redisJobs: 5_000,
      steadyBulkWrites: 5_000,
      steadySingleWrites: 2_000,
    }
  : {
      seconds: 10,
      rounds: 2,
      drainJobs: 100_000,
      // The same backlog as the group commit drains (~40 s a round one commit at a time).
      oneByOneJobs: 100_000,
      visibilitySeconds: 10,
      redisJobs: 20_000,
      steadyBulkWrites: 100_000,
      steadySingleWrites: 30_000,
    };
const log = (line: string) => console.log(line);

log('== building Spillway (dist/, as production runs it)');
await buildSpillway();
const { config, connections } = await openBenchStores();
try {
  await resetBenchStores(connections);
  log(`== HTTP: ceiling, accept, sync baseline, reads (${plan.rounds} × ${plan.seconds} s each)`);
  const http = await runHttpScenarios(connections, { ...plan, log });
  await resetBenchStores(connections);
  log('== visibility (workers running, half the best accept rate)');
  const visibility = await runVisibility({
    acceptRps: http.accept.rps,
    seconds: plan.visibilitySeconds,
    log,
  });
  log(`== drain of ${plan.drainJobs} jobs`);
  const drain = await runDrains(config, connections, {
    jobs: plan.drainJobs,
    oneByOneJobs: plan.oneByOneJobs,
    rounds: plan.rounds,
    log,
  });
  log(
    `== steady state: ${plan.steadyBulkWrites} bulk and ${plan.steadySingleWrites} single writes in and stored at once, against BullMQ's own`,
  );
  const steady = await runSteady(config, connections, {
    bulkWrites: plan.steadyBulkWrites,
    singleWrites: plan.steadySingleWrites,
    rounds: plan.rounds,
    log,
  });
  log('== Redis bytes per waiting job');
  const redis = await runRedisBytesPerJob(config, connections, plan.redisJobs);
  const results: BenchResults = {
    when: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
    },
    mode: quick ? 'quick' : 'full',
    http,
    drain,
    visibility,
    steady,
    redis,
  };
  const goals = evaluateGoals(results);
  const table = renderTable(results, goals);
  log('');
  log(table);
  await mkdir(out, { recursive: true });
  const json = JSON.stringify(
    { ...results, goals, steadyGoal: steadyGoal(steady), table },
    null,
    2,
  );
  await writeFile(join(out, `${results.when.replace(/[:.]/g, '-')}.json`), json);
  await writeFile(join(out, 'latest.json'), json);
  await writeFile(join(out, 'latest.svg'), await renderChart(results));
  log(`\nresults: ${join(out, 'latest.json')}, chart: ${join(out, 'latest.svg')}`);
} finally {
  await resetBenchStores(connections).catch(() => undefined);
  await closeConnections(connections);
}
