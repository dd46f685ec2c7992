/**
 * A focused tool for tuning intake: runs the ceiling and POST /listings side
 * by side, alternating, with extra API environment given as KEY=VALUE
 * arguments, e.g. `npx tsx bench/accept-only.ts LOG_LEVEL=warn`; prints where the accept
 * run's CPU went (API, Redis, this process's load generator). Add
 * `--cpu-prof` to write a V8 CPU profile of the API process into bench/results/.
 */
import { freePort, runChild, waitForHttp } from './lib/child.js';
import { localRedisPids, startHttpCpuCount } from './lib/cpu.js';
import { describeCpu } from './lib/cpu-report.js';
import { API_ENTRY, API_NODE_ARGS, buildSpillway } from './lib/build.js';
import { readRss } from './lib/spillway.js';
import { load } from './lib/load.js';
import { benchEnv, openBenchStores, resetBenchStores } from './lib/stores.js';
import { closeConnections } from '../shared/infra/process/connections.js';
import { parseToolArgs } from './lib/tool-args.js';

const args = process.argv.slice(2);
const { env, cpuProfile } = parseToolArgs(args);
const seconds = Number(env.SECONDS ?? 5);
await buildSpillway();
const { connections } = await openBenchStores();
await resetBenchStores(connections);
const redisPids = await localRedisPids(connections);
const [hello, port] = [await freePort(), await freePort()];
const ceiling = runChild('bench/servers/koa-hello.ts', [String(hello)], {});
await ceiling.waitForLine(/^listening/);
const api = runChild(
  API_ENTRY,
  ['--service', 'listings'],
  benchEnv({ LISTING_SERVICE_PORT: String(port), ...env }),
  [...API_NODE_ARGS, ...cpuProfile],
);
await waitForHttp(`http://127.0.0.1:${port}/ready`, api);
const body = { user_id: 1, listing_type: 'rent', price: 1500 };
for (let round = 0; round < 2; round += 1) {
  const c = await load('ceiling', { url: `http://127.0.0.1:${hello}/`, seconds });
  const cpu = await startHttpCpuCount(api.pid, redisPids);
  const a = await load('accept', {
    url: `http://127.0.0.1:${port}/listings`,
    seconds,
    method: 'POST',
    body,
  });
  const cpuCount = await cpu.stop(a.ok);
  console.log(
    `ceiling ${c.rps.toFixed(0)} req/s p99 ${c.p99} | accept ${a.rps.toFixed(0)} req/s p50 ${a.p50} p99 ${a.p99} non2xx ${a.non2xx} | ratio ${(a.rps / c.rps).toFixed(2)} | ${describeCpu(cpuCount, 'request')} | RSS peak ${(await readRss(api.pid)).hwmMb.toFixed(0)} MB`,
  );
}
await Promise.all([ceiling.stop(), api.stop()]);
await resetBenchStores(connections);
await closeConnections(connections);
