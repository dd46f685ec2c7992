/**
 * One Redis against the Redis Cluster (SPEC §8), side by side in one run
 * (`npm run bench:cluster`): the accept path (POST /users through the API,
 * writes enqueued, WAIT included where the mode has it, no workers) and the
 * drain (jobs/s one persist worker process stores into MySQL from a pre-filled
 * backlog), for each queue mode of lib/queue-modes.ts, alternating round by
 * round; the best round of each counts. Prints a table of ratios to one Redis
 * and saves the raw runs in bench/results/cluster-<time>.json.
 * On the shared cluster it writes only under its own prefix and deletes those
 * keys before and after (never a flush); one Redis is the bench's db 10.
 * Environment: SECONDS (per accept run, default 10), ROUNDS (default 2),
 * JOBS (drain backlog, default 50,000).
 */
import { cpus } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { closeConnections } from '../shared/infra/process/connections.js';
import type { RedisClient } from '../shared/infra/redis/redis-client.js';
import { buildSpillway } from './lib/build.js';
import { ROOT } from './lib/child.js';
import { renderClusterTables, type ModeResult } from './lib/cluster-report.js';
import { describeCpu, fmt } from './lib/cpu-report.js';
import { best } from './lib/load.js';
import {
  QUEUE_MODES,
  deleteClusterKeys,
  modeConfig,
  openModeQueueRedis,
} from './lib/queue-modes.js';
import { openBenchStores, resetBenchStores } from './lib/stores.js';
import { acceptRun, drainRun, type AcceptRun, type QueueDrainRun } from './scenarios/cluster.js';

const seconds = Number(process.env.SECONDS ?? 10);
const rounds = Number(process.env.ROUNDS ?? 2);
const jobs = Number(process.env.JOBS ?? 50_000);
const log = (line: string) => console.log(line);

log('== building Spillway (dist/, as production runs it)');
await buildSpillway();
const { connections } = await openBenchStores();
const clients = new Map<string, RedisClient>();
for (const mode of QUEUE_MODES) clients.set(mode.name, await openModeQueueRedis(modeConfig(mode)));
/** Empty stores: MySQL and Mongo tables, the bench's Redis dbs, the bench's keys on the cluster. */
const reset = async () => {
  await resetBenchStores(connections);
  const cluster = QUEUE_MODES.find((mode) => mode.cluster);
  if (cluster) await deleteClusterKeys(clients.get(cluster.name)!);
};

const accepts = new Map<string, AcceptRun[]>();
const drains = new Map<string, QueueDrainRun[]>();
const keep = <Run>(runs: Map<string, Run[]>, name: string, run: Run) =>
  runs.set(name, [...(runs.get(name) ?? []), run]);
try {
  await reset();
  for (let round = 1; round <= rounds; round += 1) {
    log(`round ${round}/${rounds}`);
    for (const mode of QUEUE_MODES) {
      const config = modeConfig(mode);
      const queueRedis = clients.get(mode.name)!;
      const accept = await acceptRun(mode, queueRedis, seconds);
      log(
        `  ${mode.name.padEnd(28)} accept ${fmt(accept.rps).padStart(6)} writes/s  p50 ${accept.p50} ms  p99 ${accept.p99} ms  non2xx ${accept.non2xx}  ${describeCpu(accept.cpu, 'write')}`,
      );
      keep(accepts, mode.name, accept);
      await reset();
      const drain = await drainRun(mode, config, queueRedis, connections, jobs);
      log(
        `  ${mode.name.padEnd(28)} drain  ${fmt(drain.jobsPerSec).padStart(6)} jobs/s (${jobs} in ${drain.seconds.toFixed(1)} s)  ${describeCpu(drain.cpu, 'job')}`,
      );
      keep(drains, mode.name, drain);
      await reset();
    }
  }
} finally {
  await reset().catch(() => undefined);
  await Promise.all([...clients.values()].map((client) => client.quit()));
  await closeConnections(connections);
}

const results: ModeResult[] = QUEUE_MODES.map((mode) => ({
  mode: mode.name,
  accept: best(accepts.get(mode.name) ?? [], (run) => run.rps),
  drain: best(drains.get(mode.name) ?? [], (run) => run.jobsPerSec),
}));
const table = renderClusterTables(results);
log('');
log(table);
const when = new Date().toISOString();
const dir = join(ROOT, 'bench', 'results');
await mkdir(dir, { recursive: true });
const file = join(dir, `cluster-${when.replace(/[:.]/g, '-')}.json`);
const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  node: process.version,
};
const raw = { accepts: Object.fromEntries(accepts), drains: Object.fromEntries(drains) };
await writeFile(
  file,
  JSON.stringify(
    { when, machine, seconds, rounds, jobs, modes: QUEUE_MODES, results, raw, table },
    null,
    2,
  ),
);
log(`\nraw results: ${file}`);
