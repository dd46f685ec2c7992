import type { Connections } from '../../shared/infra/process/connections.js';
import { listingsResource } from '../../shared/domain/resources/listings.resource.js';
import { usersResource } from '../../shared/domain/resources/users.resource.js';
import { benchStores } from '../lib/stores.js';
import { freePort, runChild, type Child } from '../lib/child.js';
import { best, load, type HttpRun } from '../lib/load.js';
import { localRedisPids, startHttpCpuCount } from '../lib/cpu.js';
import { describeCpu } from '../lib/cpu-report.js';
import { readRss, startApi } from '../lib/spillway.js';

export interface HttpResults {
  readonly ceiling: HttpRun;
  readonly accept: HttpRun;
  readonly sync: HttpRun;
  readonly cachedPage: HttpRun;
  readonly uncachedPage: HttpRun;
  readonly cachedUser: HttpRun;
  readonly uncachedUser: HttpRun;
  /** The API process's RSS high-water mark and the largest RSS sampled under load, MB. */
  readonly apiRss: { readonly hwmMb: number; readonly maxSampledMb: number };
}

const LISTING = { user_id: 1, listing_type: 'rent', price: 1500 } as const;

async function startServer(entry: string, env: Record<string, string> = {}) {
  const port = await freePort();
  const child = runChild(entry, [String(port)], { ...benchStores(), ...env });
  try {
    await child.waitForLine(/^listening/, 120_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { child, url: `http://127.0.0.1:${port}` };
}

/** Seeds what the read scenarios read: one user and a full first page of listings. */
export async function seedReads(connections: Connections): Promise<void> {
  const now = Date.now() * 1000;
  await usersResource
    .store(connections.mysql)
    .upsertVersions([
      { resource: { id: 1, name: 'Bench User', created_at: now, updated_at: now }, version: 1 },
    ]);
  await listingsResource.store(connections.mysql).upsertVersions(
    Array.from({ length: 100 }, (_, i) => ({
      resource: { id: 1_000_000 + i, ...LISTING, created_at: now + i, updated_at: now + i },
      version: 1,
    })),
  );
}

/**
 * Ceiling, accept and the sync baseline, alternated round by round so a noisy
 * neighbour hurts each of them alike; then reads, cached and not, against the
 * ceiling. No workers run here: accept measures intake alone.
 */
export async function runHttpScenarios(
  connections: Connections,
  options: { seconds: number; rounds: number; log: (line: string) => void },
): Promise<HttpResults> {
  const children: Child[] = [];
  try {
    const ceilingServer = await startServer('bench/servers/koa-hello.ts');
    children.push(ceilingServer.child);
    const syncServer = await startServer('bench/servers/sync-baseline.ts');
    children.push(syncServer.child);
    const api = await startApi();
    children.push(api.child);
    const uncachedApi = await startApi({ CACHE_ENABLED: 'false' });
    children.push(uncachedApi.child);
    await seedReads(connections);

    let maxSampledMb = 0;
    const sampler = setInterval(() => {
      void readRss(api.child.pid)
        .then(({ rssMb }) => (maxSampledMb = Math.max(maxSampledMb, rssMb)))
        .catch(() => undefined);
    }, 250);

    const redisPids = await localRedisPids(connections);
    const runs: Record<string, HttpRun[]> = {};
    const run = async (name: string, server: Child, url: string, body?: unknown) => {
      const cpu = await startHttpCpuCount(server.pid, redisPids);
      const measured = await load(name, {
        url,
        seconds: options.seconds,
        ...(body ? { method: 'POST' as const, body } : {}),
      });
      const result = { ...measured, cpu: await cpu.stop(measured.ok) };
      options.log(
        `  ${name.padEnd(14)} ${result.rps.toFixed(0).padStart(7)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  non2xx ${result.non2xx}  ${describeCpu(result.cpu, 'request')}`,
      );
      (runs[name] ??= []).push(result);
    };
    const page = '/listings?page_num=1';
    for (let round = 1; round <= options.rounds; round += 1) {
      options.log(`round ${round}/${options.rounds}`);
      await run('ceiling', ceilingServer.child, ceilingServer.url);
      await run('accept', api.child, `${api.listingsUrl}/listings`, LISTING);
      await run('sync', syncServer.child, `${syncServer.url}/listings`, LISTING);
      await run('cached-page', api.child, `${api.listingsUrl}${page}`);
      await run('uncached-page', uncachedApi.child, `${uncachedApi.listingsUrl}${page}`);
      await run('cached-user', api.child, `${api.usersUrl}/users/1`);
      await run('uncached-user', uncachedApi.child, `${uncachedApi.usersUrl}/users/1`);
    }
    clearInterval(sampler);
    const { hwmMb } = await readRss(api.child.pid);
    const pick = (name: string) => best(runs[name] ?? [], (run) => run.rps);
    return {
      ceiling: pick('ceiling'),
      accept: pick('accept'),
      sync: pick('sync'),
      cachedPage: pick('cached-page'),
      uncachedPage: pick('uncached-page'),
      cachedUser: pick('cached-user'),
      uncachedUser: pick('uncached-user'),
      apiRss: { hwmMb, maxSampledMb },
    };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}
