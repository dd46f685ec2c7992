/**
 * Bulk intake (§7) measured side by side in one run (`npm run bench:bulk`):
 * the single-write accept path (POST /listings), bulk intake with 100 and
 * 1,000 items per request (POST /listings/bulk), and BullMQ's own addBulk of
 * the same jobs from this process (the ceiling any intake on this Redis has),
 * alternating, best of the rounds. Then the API's resident memory while a
 * 50 MB NDJSON body streams in. No workers run: this is the accept path only.
 * Prints a table of ratios and saves the raw runs in bench/results/.
 * Environment: SECONDS (per run, default 5), ROUNDS (default 2).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { Queue } from 'bullmq';
import { buildSpillway } from './lib/build.js';
import { ROOT } from './lib/child.js';
import { load, type HttpRun } from './lib/load.js';
import { readRss, startApi } from './lib/spillway.js';
import { benchConfig, openBenchStores, resetBenchStores } from './lib/stores.js';
import { closeConnections } from '../shared/infra/process/connections.js';
import { jobIds } from '../shared/domain/writes/write-jobs.js';
import { nowMicros } from '../shared/infra/process/clock.js';

const seconds = Number(process.env.SECONDS ?? 5);
const rounds = Number(process.env.ROUNDS ?? 2);
const listing = { user_id: 1, listing_type: 'rent', price: 1500 };
const batch = (n: number) => Array.from({ length: n }, () => listing);

interface Rate {
  readonly name: string;
  /** Accepted writes (items) per second. */
  readonly writesPerSecond: number;
  readonly detail: Record<string, number>;
}

function fromHttp(run: HttpRun, itemsPerRequest: number): Rate {
  return {
    name: run.name,
    writesPerSecond: run.rps * itemsPerRequest,
    detail: { rps: run.rps, p50: run.p50, p99: run.p99, non2xx: run.non2xx, errors: run.errors },
  };
}

/** BullMQ's addBulk of the jobs the listing service would enqueue, 500 at a time, for `seconds`. */
async function bareAddBulk(queue: Queue, firstId: number): Promise<Rate> {
  let id = firstId;
  let added = 0;
  const until = Date.now() + seconds * 1000;
  const started = Date.now();
  while (Date.now() < until) {
    const now = nowMicros();
    const jobs = Array.from({ length: 500 }, () => {
      id += 1;
      const data = {
        requestId: 'bench',
        version: 1,
        listing: { id, ...listing, created_at: now, updated_at: now },
      };
      return { name: 'listing.create', data, opts: { jobId: jobIds.persist('listings', id, 1) } };
    });
    await queue.addBulk(jobs);
    added += jobs.length;
  }
  return {
    name: 'bare addBulk',
    writesPerSecond: added / ((Date.now() - started) / 1000),
    detail: { added },
  };
}

/** Streams a ~50 MB NDJSON body (10,000 valid items padded with whitespace) and samples the API's RSS. */
async function streamLargeBody(usersUrl: string, pid: number) {
  const pad = ' '.repeat(5_000);
  const before = await readRss(pid);
  let peakMb = before.rssMb;
  const sampler = setInterval(() => {
    void readRss(pid).then((rss) => (peakMb = Math.max(peakMb, rss.rssMb)));
  }, 50);
  async function* body() {
    for (let i = 0; i < 10_000; i += 100) {
      const lines = Array.from({ length: 100 }, (_, k) => `{"name":"big ${i + k}"${pad}}\n`);
      yield Buffer.from(lines.join(''));
    }
  }
  const answer = await request(`${usersUrl}/users/bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: Readable.from(body()),
  });
  const text = await answer.body.text();
  clearInterval(sampler);
  const summary = JSON.parse(text.trim().split('\n').at(-1) ?? '{}') as { accepted?: number };
  return {
    status: answer.statusCode,
    bodyMb: (10_000 * (pad.length + 20)) / 1e6,
    accepted: summary.accepted ?? 0,
    rssBeforeMb: before.rssMb,
    rssPeakMb: peakMb,
  };
}

await buildSpillway();
const { connections } = await openBenchStores();
await resetBenchStores(connections);
const api = await startApi({ BACKPRESSURE_MAX_WAITING: '0', LOG_LEVEL: 'warn' });
const config = benchConfig();
const queue = new Queue('persist-listings', {
  connection: connections.queueRedis,
  prefix: config.queue.prefix,
});
const best = new Map<string, Rate>();
const keep = (rate: Rate) => {
  const seen = best.get(rate.name);
  if (!seen || rate.writesPerSecond > seen.writesPerSecond) best.set(rate.name, rate);
  console.log(`${rate.name.padEnd(22)} ${rate.writesPerSecond.toFixed(0).padStart(8)} writes/s`);
};
const raw: Rate[] = [];
for (let round = 0; round < rounds; round += 1) {
  for (const run of [
    async () =>
      fromHttp(
        await load('single POST', {
          url: `${api.listingsUrl}/listings`,
          seconds,
          method: 'POST',
          body: listing,
        }),
        1,
      ),
    async () =>
      fromHttp(
        await load('bulk x100', {
          url: `${api.listingsUrl}/listings/bulk`,
          seconds,
          method: 'POST',
          body: batch(100),
          connections: 10,
        }),
        100,
      ),
    async () =>
      fromHttp(
        await load('bulk x1000', {
          url: `${api.listingsUrl}/listings/bulk`,
          seconds,
          method: 'POST',
          body: batch(1000),
          connections: 4,
        }),
        1000,
      ),
    () => bareAddBulk(queue, 1_000_000_000 + round * 100_000_000),
  ]) {
    const rate = await run();
    raw.push(rate);
    keep(rate);
    await resetBenchStores(connections);
  }
}
const memory = await streamLargeBody(api.usersUrl, api.child.pid);
await queue.close();
await api.child.stop();
await resetBenchStores(connections);
await closeConnections(connections);

const single = best.get('single POST')!.writesPerSecond;
const ceiling = best.get('bare addBulk')!.writesPerSecond;
const rows = [...best.values()].map((rate) => ({
  scenario: rate.name,
  'writes/s': Math.round(rate.writesPerSecond),
  'x single': +(rate.writesPerSecond / single).toFixed(2),
  'x addBulk': +(rate.writesPerSecond / ceiling).toFixed(2),
}));
console.table(rows);
const bulk1000 = best.get('bulk x1000')!.writesPerSecond;
console.log(
  `goal bulk ≥ 10 × single: ${(bulk1000 / single).toFixed(1)} × — ${bulk1000 / single >= 10 ? 'met' : 'NOT met'}`,
);
console.log(
  `goal bulk ≥ 0.7 × bare addBulk: ${(bulk1000 / ceiling).toFixed(2)} × — ${bulk1000 / ceiling >= 0.7 ? 'met' : 'NOT met'}`,
);
console.log(
  `50 MB NDJSON body: HTTP ${memory.status}, ${memory.accepted} accepted, API RSS ${memory.rssBeforeMb.toFixed(0)} → peak ${memory.rssPeakMb.toFixed(0)} MB`,
);
const dir = join(ROOT, 'bench', 'results');
await mkdir(dir, { recursive: true });
const file = join(dir, `bulk-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(file, JSON.stringify({ seconds, rounds, raw, rows, memory }, null, 2));
console.log(`raw results: ${file}`);
