/**
 * A focused tool for tuning the read path: the ceiling, then cached and
 * uncached `GET /listings?page_num=1` and `GET /users/1`, alternating round by
 * round, with the API processes' CPU time per request (from /proc; steadier
 * than req/s on a shared machine). Extra API environment as KEY=VALUE
 * arguments (SECONDS=5 and ROUNDS=2 by default), e.g.
 * `npx tsx bench/read-only.ts LOG_LEVEL=warn`. Add `--cpu-prof` to write a V8
 * CPU profile of the cached API process into bench/results/profiles/, and
 * `--cached-only` to leave out the uncached runs. `BASE=DIR` also runs a
 * cached API from another checkout, compiled there (`npm run build`; e.g. a
 * `git archive` of the previous commit), right after each cached run: an A/B
 * comparison under the same noise.
 */
import { join } from 'node:path';
import { closeConnections } from '../shared/infra/process/connections.js';
import { startCpuCount } from './lib/cpu.js';
import { freePort, runChild } from './lib/child.js';
import { load } from './lib/load.js';
import { startApi } from './lib/spillway.js';
import { API_ENTRY, buildSpillway } from './lib/build.js';
import { benchStores, openBenchStores, resetBenchStores } from './lib/stores.js';
import { seedReads } from './scenarios/http.js';
import { parseToolArgs } from './lib/tool-args.js';

const args = process.argv.slice(2);
const tool = parseToolArgs(args);
const env = tool.env;
const { SECONDS = '5', ROUNDS = '2', BASE, ...apiEnv } = env;
const seconds = Number(SECONDS);
/** `--cached-only`: skip the uncached API (quicker A/B runs of the hit path). */
const cachedOnly = args.includes('--cached-only');
await buildSpillway();
const { connections } = await openBenchStores();
await resetBenchStores(connections);
await seedReads(connections);
const hello = await freePort();
const ceiling = runChild('bench/servers/koa-hello.ts', [String(hello)], benchStores());
await ceiling.waitForLine(/^listening/);
const cached = await startApi(apiEnv, tool.cpuProfile);
const base = BASE
  ? await startApi({ ...apiEnv, CACHE_PREFIX: 'bench-base' }, [], join(BASE, API_ENTRY))
  : undefined;
const uncached = cachedOnly ? undefined : await startApi({ ...apiEnv, CACHE_ENABLED: 'false' });

/** One load run against `url`, with the CPU the process `pid` spent per successful answer. */
async function measure(name: string, url: string, pid: number) {
  const cpu = await startCpuCount({ server: [pid] });
  const run = await load(name, { url, seconds });
  return { ...run, us: (await cpu.stop(run.ok)).perUnit.server };
}

const page = '/listings?page_num=1';
const user = '/users/1';
// Warm the cache (and the JIT) so the cached runs measure hits.
await load('warm', { url: `${cached.listingsUrl}${page}`, seconds: 3 });
await load('warm', { url: `${cached.usersUrl}${user}`, seconds: 3 });
if (base) {
  await load('warm', { url: `${base.listingsUrl}${page}`, seconds: 3 });
  await load('warm', { url: `${base.usersUrl}${user}`, seconds: 3 });
}
for (let round = 1; round <= Number(ROUNDS); round += 1) {
  const c = await measure('ceiling', `http://127.0.0.1:${hello}/`, ceiling.pid);
  console.log(`round ${round}: ceiling ${c.rps.toFixed(0)} req/s, ${c.us.toFixed(0)} µs/request`);
  for (const [kind, path, url] of [
    ['page', page, 'listingsUrl'],
    ['user', user, 'usersUrl'],
  ] as const) {
    const hit = await measure(`cached-${kind}`, `${cached[url]}${path}`, cached.child.pid);
    const before = base
      ? await measure(`base-${kind}`, `${base[url]}${path}`, base.child.pid)
      : undefined;
    const miss = uncached
      ? await measure(`uncached-${kind}`, `${uncached[url]}${path}`, uncached.child.pid)
      : undefined;
    for (const r of [hit, before, miss]) {
      if (!r) continue;
      console.log(
        `  ${r.name.padEnd(14)} ${r.rps.toFixed(0).padStart(6)} req/s  ${(r.rps / c.rps).toFixed(2)}× ceiling  p99 ${r.p99} ms  ${r.us.toFixed(0).padStart(4)} µs/request  non2xx ${r.non2xx}`,
      );
    }
    if (miss) {
      console.log(
        `  cached/uncached ${kind}: ${(hit.rps / miss.rps).toFixed(2)}× req/s, ${(miss.us / hit.us).toFixed(2)}× less CPU`,
      );
    }
  }
}
await Promise.all([
  ceiling.stop(),
  cached.child.stop(),
  base?.child.stop(),
  uncached?.child.stop(),
]);
await resetBenchStores(connections);
await closeConnections(connections);
