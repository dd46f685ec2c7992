/**
 * The whole pipeline under a bulk load (`npm run bench:bulk-drain`): a client
 * posts WRITES listings (default 1,000,000) to POST /listings/bulk as NDJSON,
 * 1,000 per request, CLIENTS requests at a time (default 4), while the real
 * workers persist them to MySQL and replicate them to Mongo. Once both queues
 * are empty, every answered id is looked up in both stores: lost (answered,
 * never stored) and duplicated (stored twice) must both be 0. Prints the
 * figures and saves them in bench/results/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { RowDataPacket } from 'mysql2/promise';
import { Queue } from 'bullmq';
import { request } from 'undici';
import { buildSpillway } from './lib/build.js';
import { ROOT } from './lib/child.js';
import { startApi, startWorkers } from './lib/spillway.js';
import { openBenchStores, resetBenchStores } from './lib/stores.js';
import { closeConnections } from '../shared/infra/process/connections.js';
import { QUEUE_NAMES } from '../shared/infra/queues/queue-names.js';

const writes = Number(process.env.WRITES ?? 1_000_000);
const clients = Number(process.env.CLIENTS ?? 4);
const perRequest = 1_000;

await buildSpillway();
const { config, connections } = await openBenchStores();
await resetBenchStores(connections);
// Backpressure off: this client does not resend what a 503 refused, and the
// point is the drain of everything accepted.
const env = { BACKPRESSURE_MAX_WAITING: '0' };
const api = await startApi({ ...env, LOG_LEVEL: 'warn' });
// Workers log at info: their start line is what says they run.
const workers = await startWorkers(env);

const answered: number[] = [];
let refused = 0;
let next = 0;
const started = Date.now();

/** One bulk request of `count` listings; records the ids it was answered with. */
async function post(count: number): Promise<void> {
  const lines = Array.from(
    { length: count },
    (_, i) => `{"user_id":1,"listing_type":"rent","price":${1 + ((next + i) % 100_000)}}\n`,
  );
  next += count;
  const answer = await request(`${api.listingsUrl}/listings/bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: Readable.from([lines.join('')]),
  });
  const out = (await answer.body.text()).trim().split('\n');
  out.pop(); // the summary line
  for (const line of out) {
    const item = JSON.parse(line) as { status: number; listing?: { id: number } };
    if (item.status < 300 && item.listing) answered.push(item.listing.id);
    else refused += 1;
  }
}

async function client(): Promise<void> {
  while (next < writes) await post(Math.min(perRequest, writes - next));
}
await Promise.all(Array.from({ length: clients }, () => client()));
const intakeSeconds = (Date.now() - started) / 1000;
console.log(`intake: ${answered.length} accepted in ${intakeSeconds.toFixed(1)} s`);

/** Waits until the persist and replicate queues hold nothing waiting, active or delayed. */
async function drained(): Promise<void> {
  const queues = [QUEUE_NAMES.persistListings, QUEUE_NAMES.replicate].map(
    (name) => new Queue(name, { connection: connections.queueRedis, prefix: config.queue.prefix }),
  );
  for (;;) {
    const counts = await Promise.all(
      queues.map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')),
    );
    if (counts.every((c) => Object.values(c).every((n) => n === 0))) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await Promise.all(queues.map((queue) => queue.close()));
}
await drained();
const drainSeconds = (Date.now() - started) / 1000;
console.log(`drained: both queues empty ${drainSeconds.toFixed(1)} s after the first request`);

function reconcile(stored: readonly number[]) {
  const copies = new Map<number, number>();
  for (const id of stored) copies.set(id, (copies.get(id) ?? 0) + 1);
  let lost = 0;
  for (const id of answered) if (!copies.has(id)) lost += 1;
  let duplicated = 0;
  for (const n of copies.values()) if (n > 1) duplicated += n - 1;
  const acked = new Set(answered);
  const unacknowledged = [...copies.keys()].filter((id) => !acked.has(id)).length;
  return { stored: stored.length, lost, duplicated, unacknowledged };
}

const [rows] = await connections.mysql.query<RowDataPacket[]>('SELECT id FROM listings');
const mysql = reconcile(rows.map((row) => Number(row.id)));
const mongoIds: number[] = [];
const cursor = connections.mongo
  .db!.collection('listings')
  .find({}, { projection: { _id: 1 }, batchSize: 10_000 });
for await (const doc of cursor) mongoIds.push(Number(doc._id));
const mongo = reconcile(mongoIds);

await Promise.all([api.child.stop(), workers.stop()]);
await resetBenchStores(connections);
await closeConnections(connections);

const result = {
  writes,
  clients,
  perRequest,
  accepted: answered.length,
  refused,
  intakeSeconds,
  drainSeconds,
  writesPerSecond: answered.length / drainSeconds,
  mysql,
  mongo,
};
console.table({ mysql, mongo });
console.log(
  `${answered.length} accepted, drained into MySQL and Mongo in ${drainSeconds.toFixed(1)} s (${result.writesPerSecond.toFixed(0)} writes/s); lost ${mysql.lost + mongo.lost}, duplicated ${mysql.duplicated + mongo.duplicated}`,
);
const dir = join(ROOT, 'bench', 'results');
await mkdir(dir, { recursive: true });
const file = join(dir, `bulk-drain-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(file, JSON.stringify(result, null, 2));
console.log(`raw results: ${file}`);
