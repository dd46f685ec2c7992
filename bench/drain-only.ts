/**
 * A focused tool for tuning the workers: BullMQ's empty-job ceiling and the
 * real workers' group-commit drain of JOBS listing writes (default 30,000),
 * with extra worker environment given as KEY=VALUE arguments, e.g.
 * `npx tsx bench/drain-only.ts WORKER_CONCURRENCY=500`. Add `--cpu-prof` to
 * write V8 CPU profiles of the empty-job worker and of the worker process into
 * bench/results/profiles/ (in that order: the older file is the ceiling's).
 * By default one worker process runs every queue, so the drain includes the
 * replication to Mongo; `WORKER_QUEUES=persist-listings` drains the persist
 * pool alone, the drain of the full bench's group-commit row and of its goal
 * "drained job CPU / empty job" (docs/performance.md, tuning log 38).
 */
import { closeConnections } from '../shared/infra/process/connections.js';
import { buildSpillway } from './lib/build.js';
import { openBenchStores, resetBenchStores } from './lib/stores.js';
import { drainEmpty, drainSpillway, PIPELINE_POOLS } from './scenarios/drain.js';
import { parseToolArgs } from './lib/tool-args.js';
import { describeCpu } from './lib/cpu-report.js';

const args = process.argv.slice(2);
const { env, cpuProfile } = parseToolArgs(args);
const jobs = Number(env.JOBS ?? 30_000);
const profile = [
  ...cpuProfile,
  // NODE_ARGS='--flag …': Node flags for the worker processes.
  ...(env.NODE_ARGS ? env.NODE_ARGS.split(' ') : []),
];
await buildSpillway();
const { config, connections } = await openBenchStores();
try {
  // CEILING_NODE_ARGS='--flag …': Node flags for BullMQ's empty-job worker too (it runs Node's defaults).
  const ceilingArgs = env.CEILING_NODE_ARGS ? env.CEILING_NODE_ARGS.split(' ') : [];
  const ceiling = await drainEmpty(config, connections, jobs, [...cpuProfile, ...ceilingArgs]);
  // POOLS=2: a persist pool and a pool for every other queue, as the full bench's pipeline runs.
  const pools = env.POOLS === '2' ? PIPELINE_POOLS : [env];
  const grouped = await drainSpillway('group-commit', config, connections, jobs, pools, {
    nodeArgs: profile,
  });
  console.log(
    `ceiling ${ceiling.mysqlJobsPerSec.toFixed(0)} jobs/s | MySQL ${grouped.mysqlJobsPerSec.toFixed(0)} jobs/s (${(grouped.mysqlJobsPerSec / ceiling.mysqlJobsPerSec).toFixed(2)}×), + Mongo ${grouped.mongoJobsPerSec.toFixed(0)} jobs/s (${(grouped.mongoJobsPerSec / ceiling.mysqlJobsPerSec).toFixed(2)}×)`,
  );
  for (const run of [ceiling, grouped]) {
    if (run.cpu) console.log(`  ${run.name}: ${describeCpu(run.cpu, 'job')}`);
  }
} finally {
  await resetBenchStores(connections);
  await closeConnections(connections);
}
