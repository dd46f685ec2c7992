/**
 * @spillway/client measured in one run (`npm run bench:client`):
 * - writes/s through the client from CALLERS callers, each awaiting its
 *   create, against single `POST /listings` from as many callers (goal ≥ 2×);
 * - the client with as many items outstanding as the hand-written bulk keeps
 *   in flight (4 requests × 1,000 items: 4,000 callers), against those
 *   hand-written bulk NDJSON requests of the same items under
 *   Idempotency-Keys like the client's (goal ≥ 0.9×: the library costs
 *   almost nothing over doing it by hand); the unkeyed hand-written bulk too.
 * The accept path only, like `npm run bench:bulk`: the compiled API, no
 * workers. After a warm-up of every scenario, scenarios alternate round by
 * round (the order rotates); each row is its best round.
 * Environment: SECONDS (per run, default 5), ROUNDS (default 3), CALLERS (default 200).
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildSpillway } from './lib/build.js';
import { ROOT } from './lib/child.js';
import { startApi } from './lib/spillway.js';
import { openBenchStores, resetBenchStores } from './lib/stores.js';
import { closeConnections } from '../shared/infra/process/connections.js';

const seconds = Number(process.env.SECONDS ?? 5);
const rounds = Number(process.env.ROUNDS ?? 3);
const callers = Number(process.env.CALLERS ?? 200);

await buildSpillway();
await promisify(execFile)('npm', ['run', '--silent', 'build:client'], { cwd: ROOT });
// Imported once built: the bench measures client/dist, as a user installs it.
const { handWrittenBulk, singlePosts, throughClient } = await import('./scenarios/client.js');
type WriterRun = Awaited<ReturnType<typeof singlePosts>>;

const { connections } = await openBenchStores();
await resetBenchStores(connections);
const api = await startApi({ LOG_LEVEL: 'warn' });
const url = api.listingsUrl;

/** Items the hand-written bulk keeps outstanding: 4 requests of 1,000. */
const HAND = { perRequest: 1000, inFlight: 4 };
const scenarios: Record<string, (seconds: number) => Promise<WriterRun>> = {
  single: (s) => singlePosts(url, callers, s),
  client: (s) => throughClient(url, callers, s),
  clientFull: (s) => throughClient(url, HAND.perRequest * HAND.inFlight, s),
  handKeyed: (s) => handWrittenBulk(url, s, { ...HAND, keyed: true }),
  handPlain: (s) => handWrittenBulk(url, s, { ...HAND, keyed: false }),
};
for (const warmUp of Object.values(scenarios)) {
  await warmUp(1);
  await resetBenchStores(connections);
}
const best = new Map<string, WriterRun>();
const raw: (WriterRun & { round: number })[] = [];
const names = Object.keys(scenarios);
for (let round = 0; round < rounds; round += 1) {
  const order = names.map((_, i) => names[(i + round) % names.length]!);
  for (const key of order) {
    const result = await scenarios[key]!(seconds);
    raw.push({ ...result, round });
    if ((best.get(key)?.writesPerSecond ?? -1) < result.writesPerSecond) best.set(key, result);
    console.log(
      `round ${round + 1} ${result.name.padEnd(44)} ${result.writesPerSecond.toFixed(0).padStart(6)} writes/s  (${result.requests} requests, ${result.cpuMicrosPerWrite.toFixed(1)} µs CPU/write here, ${result.errors} errors)`,
    );
    await resetBenchStores(connections);
  }
}
await api.child.stop();
await closeConnections(connections);

const rate = (key: string) => best.get(key)!.writesPerSecond;
const rows = names.map((key) => ({
  scenario: best.get(key)!.name,
  'writes/s': Math.round(rate(key)),
  'µs CPU/write (load generator)': +best.get(key)!.cpuMicrosPerWrite.toFixed(1),
  'x single': +(rate(key) / rate('single')).toFixed(2),
}));
console.table(rows);
const goals = [
  {
    goal: `client / single POST, ${callers} callers each`,
    measured: rate('client') / rate('single'),
    target: 2,
  },
  {
    goal: 'client / hand-written keyed bulk, 4,000 items outstanding each',
    measured: rate('clientFull') / rate('handKeyed'),
    target: 0.9,
  },
];
console.log(
  `(for reference: client with ${callers} callers / hand-written keyed bulk: ${(rate('client') / rate('handKeyed')).toFixed(2)} ×)`,
);
for (const { goal, measured, target } of goals) {
  console.log(
    `goal ${goal}: ${measured.toFixed(2)} × (≥ ${target} ×) — ${measured >= target ? 'met' : 'NOT met'}`,
  );
}
const dir = join(ROOT, 'bench', 'results');
await mkdir(dir, { recursive: true });
const file = join(dir, `client-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(file, JSON.stringify({ seconds, rounds, callers, raw, rows, goals }, null, 2));
console.log(`raw results: ${file}`);
