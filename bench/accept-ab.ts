/**
 * A/B of the API's CPU per accepted POST /listings between two builds: each
 * variant is a checkout with a built dist/ (e.g. `git archive` of two commits,
 * node_modules linked, `tsc -p tsconfig.build.json` in each). Every round runs
 * a bare Koa hello-world (the machine's state) and then each variant once, in
 * alternating order, under the same load (50 connections), and prints the
 * API process's CPU per answered request (/proc, the same count as the bench's
 * CPU table). On a shared 2-core machine, compare rounds pairwise.
 * Usage: npx tsx bench/accept-ab.ts ROOT_A ROOT_B [ROUNDS=4] [SECONDS=5] [RATE=n] [--cpu-prof]
 * (profiles go to /tmp/prof/<variant with / as _>/). RATE=n offers n writes/s in
 * total instead of as many as the API answers: CPU per write falls as more
 * writes share an event-loop turn (one Redis batch, one socket write), so
 * variants are compared at one rate, not at whatever rate each reached.
 * A variant may add Node flags to the API's after a `+`, comma-separated:
 * `/work/main /work/main+--max-semi-space-size=32` compares one build with and
 * without the flag.
 */
import { join } from 'node:path';
import { freePort, runChild, waitForHttp } from './lib/child.js';
import { cpuMs } from './lib/cpu.js';
import { API_NODE_ARGS } from './lib/build.js';
import { load } from './lib/load.js';
import { benchEnv, openBenchStores, resetBenchStores } from './lib/stores.js';
import { closeConnections } from '../shared/infra/process/connections.js';

const [a, b, roundsArg = '4', secondsArg = '5', ...extra] = process.argv.slice(2);
const variants = [a!, b!];
const rounds = Number(roundsArg);
const seconds = Number(secondsArg);
const profile = extra.includes('--cpu-prof');
const rateArg = extra.find((arg) => arg.startsWith('RATE='));
const rate = rateArg === undefined ? {} : { overallRate: Number(rateArg.slice('RATE='.length)) };
const { connections } = await openBenchStores();
const results = new Map<string, number[]>(variants.map((v) => [v, []]));
const ceilings: number[] = [];
const helloPort = await freePort();
const hello = runChild('bench/servers/koa-hello.ts', [String(helloPort)], {});
await hello.waitForLine(/^listening/);
async function ceilingRun(): Promise<void> {
  const url = `http://127.0.0.1:${helloPort}/`;
  const before = await cpuMs(hello.pid);
  const run = await load('ceiling', { url, seconds, connections: 50 });
  const perRequest = (((await cpuMs(hello.pid)) - before) * 1000) / run.ok;
  ceilings.push(perRequest);
  console.log(`bare Koa: ${run.rps.toFixed(0)} req/s, CPU ${perRequest.toFixed(0)} µs/request`);
}
const body = { user_id: 1, listing_type: 'rent', price: 1500 };
for (let round = 0; round < rounds; round += 1) {
  const order = round % 2 ? [...variants].reverse() : variants;
  await ceilingRun();
  for (const variant of order) {
    const [root = '.', flags = ''] = variant.split('+');
    const variantArgs = flags === '' ? [] : flags.split(',');
    await resetBenchStores(connections);
    const port = await freePort();
    const prof = profile
      ? ['--cpu-prof', `--cpu-prof-dir=/tmp/prof/${variant.replaceAll('/', '_')}`]
      : [];
    const api = runChild(
      join(root, 'dist/api/main.js'),
      ['--service', 'listings'],
      benchEnv({ LISTING_SERVICE_PORT: String(port) }),
      [...API_NODE_ARGS, ...variantArgs, ...prof],
    );
    await waitForHttp(`http://127.0.0.1:${port}/ready`, api);
    const url = `http://127.0.0.1:${port}/listings`;
    await load('warm', { url, seconds: 1, method: 'POST', body, connections: 50 });
    const before = await cpuMs(api.pid);
    const run = await load('accept', {
      url,
      seconds,
      method: 'POST',
      body,
      connections: 50,
      ...rate,
    });
    const used = (await cpuMs(api.pid)) - before;
    const perRequest = (used * 1000) / run.ok;
    results.get(variant)!.push(perRequest);
    console.log(
      `${variant} round ${round}: ${run.rps.toFixed(0)} req/s, non2xx ${run.non2xx}, API CPU ${perRequest.toFixed(0)} µs/request`,
    );
    await api.stop();
  }
}
for (const [root, values] of results) {
  const sorted = [...values].sort((x, y) => x - y);
  console.log(
    `${root}: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} µs/request, min ${sorted[0]!.toFixed(0)}, all ${values.map((v) => v.toFixed(0)).join(' ')}`,
  );
}
const median = (values: number[]) =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
console.log(
  `bare Koa: median ${median(ceilings).toFixed(0)} µs/request, all ${ceilings.map((v) => v.toFixed(0)).join(' ')}`,
);
await hello.stop();
await resetBenchStores(connections);
await closeConnections(connections);
