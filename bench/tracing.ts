/**
 * What tracing costs (`npm run bench:tracing`), side by side in one run:
 * Spillway before tracing was added (commit BASE_REV, compiled from git), with
 * tracing off (no OTEL_* variable: the SDK is not loaded), and on at 1 % and
 * at 100 % (parentbased_traceidratio). Two paths: the accept path (POST /users
 * through the real API, compiled, no workers) and the drain (a backlog of
 * listing writes through both worker pools into MySQL and the Mongo replica).
 * Modes alternate within each round, in an order that rotates from round to
 * round (no mode always runs first, on a machine that drifts within a round);
 * the best round of each counts for rates, the lowest for CPU per write or job. Spans go over OTLP/HTTP protobuf to a
 * counting sink in this process. Prints ratios to "before tracing" and saves
 * the raw runs in bench/results/tracing-<time>.json.
 * Environment: SECONDS (per accept run, default 8), ROUNDS (default 3),
 * DRAIN_JOBS (default 30000), DRAIN_ROUNDS (default 2), BASE_REV (default
 * 73705fa, the last commit before tracing).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeConnections } from '../shared/infra/process/connections.js';
import { buildBase } from './lib/base-build.js';
import { buildSpillway } from './lib/build.js';
import { ROOT } from './lib/child.js';
import { fmt } from './lib/cpu-report.js';
import { best } from './lib/load.js';
import { openBenchStores, resetBenchStores } from './lib/stores.js';
import {
  acceptRun,
  drainRun,
  TRACING_MODES,
  type AcceptRun,
  type TracedDrainRun,
} from './scenarios/tracing.js';

const seconds = Number(process.env.SECONDS ?? 8);
const rounds = Number(process.env.ROUNDS ?? 3);
const drainJobs = Number(process.env.DRAIN_JOBS ?? 30_000);
const drainRounds = Number(process.env.DRAIN_ROUNDS ?? 2);
const baseRev = process.env.BASE_REV ?? '73705fa';

console.log('== building Spillway (dist/, as production runs it)');
await buildSpillway();
console.log(
  `== building the version before tracing (${baseRev}) into ${tmpdir()}/spillway-bench-base/`,
);
const base = await buildBase(baseRev);
const { config, connections } = await openBenchStores();
const accepts = new Map<string, AcceptRun[]>();
const drains = new Map<string, TracedDrainRun[]>();
const keep = <R>(runs: Map<string, R[]>, name: string, run: R) =>
  runs.set(name, [...(runs.get(name) ?? []), run]);
/** The modes in round `round`'s order: the list rotated by one more each round. */
const inRoundOrder = (round: number) =>
  TRACING_MODES.map((_, i) => TRACING_MODES[(i + round - 1) % TRACING_MODES.length]!);
const sentText = (sent: { requests: number; bytes: number }) =>
  `${sent.requests} exports (${fmt(sent.bytes / 1024)} KB)`;
try {
  console.log(`== accept path: POST /users, ${rounds} rounds × ${seconds} s per mode`);
  for (let round = 1; round <= rounds; round += 1) {
    console.log(`round ${round}/${rounds}`);
    for (const mode of inRoundOrder(round)) {
      await resetBenchStores(connections);
      const run = await acceptRun(mode, base, seconds);
      keep(accepts, mode.name, run);
      console.log(
        `  ${mode.name.padEnd(15)} ${fmt(run.rps)} writes/s, p99 ${run.p99} ms, ` +
          `API ${fmt(run.cpu.perUnit.api)} µs CPU/write, ${sentText(run.sent)}`,
      );
    }
  }
  console.log(`== drain: ${drainJobs} listing writes to MySQL and Mongo, ${drainRounds} rounds`);
  for (let round = 1; round <= drainRounds; round += 1) {
    console.log(`round ${round}/${drainRounds}`);
    for (const mode of inRoundOrder(round)) {
      const run = await drainRun(mode, base, config, connections, drainJobs);
      keep(drains, mode.name, run);
      console.log(
        `  ${mode.name.padEnd(15)} ${fmt(run.mongoJobsPerSec)} jobs/s to Mongo ` +
          `(MySQL ${fmt(run.mysqlJobsPerSec)}), workers ${fmt(run.cpu?.perUnit.workers ?? NaN)} µs CPU/job, ` +
          `${sentText(run.sent)}`,
      );
    }
  }
} finally {
  await resetBenchStores(connections);
  await closeConnections(connections);
}

const BEFORE = 'before tracing';
const lowest = <R>(runs: readonly R[], of: (run: R) => number) => Math.min(...runs.map(of));
const total = <R>(runs: readonly R[], of: (run: R) => number) =>
  runs.reduce((sum, run) => sum + of(run), 0);
function table(
  title: string,
  headers: readonly string[],
  row: (name: string) => readonly string[],
): void {
  console.log(`\n${title}\n| mode | ${headers.join(' | ')} |`);
  console.log(`|---|${headers.map(() => '---:').join('|')}|`);
  for (const mode of TRACING_MODES) console.log(`| ${mode.name} | ${row(mode.name).join(' | ')} |`);
}

const acceptOf = (name: string) => accepts.get(name) ?? [];
const acceptRate = (name: string) => best(acceptOf(name), (r) => r.rps).rps;
const acceptCpu = (name: string) => lowest(acceptOf(name), (r) => r.cpu.perUnit.api);
table(
  `Accept path (POST /users; best of ${rounds} × ${seconds} s; CPU: lowest)`,
  ['writes/s', '× before', 'API µs CPU/write', '× before', 'OTLP exports', 'KB sent'],
  (name) => [
    fmt(acceptRate(name)),
    fmt(acceptRate(name) / acceptRate(BEFORE), 2),
    fmt(acceptCpu(name)),
    fmt(acceptCpu(name) / acceptCpu(BEFORE), 2),
    String(total(acceptOf(name), (r) => r.sent.requests)),
    fmt(total(acceptOf(name), (r) => r.sent.bytes) / 1024),
  ],
);
const drainOf = (name: string) => drains.get(name) ?? [];
const drainRate = (name: string) => best(drainOf(name), (r) => r.mongoJobsPerSec).mongoJobsPerSec;
const drainCpu = (name: string) => lowest(drainOf(name), (r) => r.cpu?.perUnit.workers ?? NaN);
table(
  `Drain (${drainJobs} listing writes through both worker pools to MySQL and Mongo; best of ${drainRounds}; CPU: lowest)`,
  ['jobs/s', '× before', 'workers µs CPU/job', '× before', 'OTLP exports', 'KB sent'],
  (name) => [
    fmt(drainRate(name)),
    fmt(drainRate(name) / drainRate(BEFORE), 2),
    fmt(drainCpu(name)),
    fmt(drainCpu(name) / drainCpu(BEFORE), 2),
    String(total(drainOf(name), (r) => r.sent.requests)),
    fmt(total(drainOf(name), (r) => r.sent.bytes) / 1024),
  ],
);

const dir = join(ROOT, 'bench/results');
await mkdir(dir, { recursive: true });
const file = join(dir, `tracing-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
const raw = { seconds, rounds, drainJobs, drainRounds, baseRev: base.rev, accepts, drains };
await writeFile(
  file,
  JSON.stringify(
    raw,
    (_, value: unknown) => (value instanceof Map ? Object.fromEntries(value) : value),
    2,
  ),
);
console.log(`\nraw results: ${file}`);
