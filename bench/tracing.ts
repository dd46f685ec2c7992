/**
 * What tracing costs on the accept path (`npm run bench:tracing`): POST /users
 * through the real API (compiled, no workers), with tracing off (no OTEL_*
 * variable: the SDK is not loaded), on at 100 % and on at 1 %
 * (parentbased_traceidratio), side by side, alternating mode by mode each
 * round; the best round of each counts. The spans go over OTLP/HTTP protobuf
 * to a sink in this process that answers 200 and counts what it got, so with
 * tracing off it shows that nothing was sent. Prints ratios to "off" and saves
 * the raw runs in bench/results/tracing-<time>.json.
 * Environment: SECONDS (per run, default 8), ROUNDS (default 3).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { closeConnections } from '../shared/connections.js';
import { buildSpillway } from './lib/build.js';
import { ROOT } from './lib/child.js';
import { startCpuCount, type CpuCount } from './lib/cpu.js';
import { best, load, type HttpRun } from './lib/load.js';
import { startApi } from './lib/spillway.js';
import { openBenchStores, resetBenchStores } from './lib/stores.js';

const seconds = Number(process.env.SECONDS ?? 8);
const rounds = Number(process.env.ROUNDS ?? 3);
const USER = { name: 'traced bench user' };

/** An OTLP/HTTP receiver that only counts: the exporter's cost is the API's, not a collector's. */
async function startSink() {
  const received = { requests: 0, bytes: 0 };
  const server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => (received.bytes += chunk.length));
    request.on('end', () => {
      received.requests += 1;
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

type Mode = { readonly name: string; readonly env: (sink: string) => Record<string, string> };
const MODES: readonly Mode[] = [
  { name: 'tracing off', env: () => ({}) },
  { name: 'on, 100 %', env: (sink) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: sink }) },
  {
    name: 'on, 1 %',
    env: (sink) => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: sink,
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.01',
    }),
  },
];

type Run = Omit<HttpRun, 'cpu'> & {
  cpu: CpuCount<'api'>;
  exportRequests: number;
  exportBytes: number;
};

async function acceptRun(mode: Mode): Promise<Run> {
  const sink = await startSink();
  const api = await startApi({ ...mode.env(sink.url), LOG_LEVEL: 'warn' });
  try {
    const url = `${api.usersUrl}/users`;
    await load('warm-up', { url, seconds: 1, method: 'POST', body: USER });
    const before = { ...sink.received };
    const cpu = await startCpuCount<'api'>({ api: [api.child.pid] });
    const run = await load(mode.name, { url, seconds, method: 'POST', body: USER });
    const counted = await cpu.stop(run.ok);
    // The last batch of spans leaves on the exporter's schedule (5 s): stop the API to flush it.
    await api.child.stop();
    return {
      ...run,
      cpu: counted,
      exportRequests: sink.received.requests - before.requests,
      exportBytes: sink.received.bytes - before.bytes,
    };
  } finally {
    await api.child.stop();
    await sink.close();
  }
}

console.log('== building Spillway (dist/, as production runs it)');
await buildSpillway();
const { connections } = await openBenchStores();
const runs = new Map<string, Run[]>();
try {
  for (let round = 1; round <= rounds; round += 1) {
    console.log(`round ${round}/${rounds}`);
    for (const mode of MODES) {
      await resetBenchStores(connections);
      const run = await acceptRun(mode);
      runs.set(mode.name, [...(runs.get(mode.name) ?? []), run]);
      console.log(
        `  ${mode.name}: ${run.rps.toFixed(0)} writes/s, p99 ${run.p99} ms, ` +
          `API ${run.cpu.perUnit.api.toFixed(0)} µs CPU/write, ${run.exportRequests} exports`,
      );
    }
  }
} finally {
  await resetBenchStores(connections);
  await closeConnections(connections);
}

const bestOf = (name: string) => best(runs.get(name) ?? [], (run) => run.rps);
const off = bestOf('tracing off');
const cpuOf = (name: string) => Math.min(...(runs.get(name) ?? []).map((r) => r.cpu.perUnit.api));
console.log(
  `\n| mode | writes/s | × off | p99 ms | API µs CPU/write (lowest) | × off | OTLP exports | KB sent |`,
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const mode of MODES) {
  const b = bestOf(mode.name);
  const all = runs.get(mode.name) ?? [];
  console.log(
    `| ${mode.name} | ${b.rps.toFixed(0)} | ${(b.rps / off.rps).toFixed(2)} | ${b.p99} | ` +
      `${cpuOf(mode.name).toFixed(0)} | ${(cpuOf(mode.name) / cpuOf('tracing off')).toFixed(2)} | ` +
      `${all.reduce((s, r) => s + r.exportRequests, 0)} | ${(all.reduce((s, r) => s + r.exportBytes, 0) / 1024).toFixed(0)} |`,
  );
}
const dir = join(ROOT, 'bench/results');
await mkdir(dir, { recursive: true });
const file = join(dir, `tracing-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(file, JSON.stringify({ seconds, rounds, runs: Object.fromEntries(runs) }, null, 2));
console.log(`\nraw results: ${file}`);
