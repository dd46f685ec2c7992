import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { listingJob } from '../bench/scenarios/drain.js';
const r = new Redis('redis://127.0.0.1:6379/13', { maxRetriesPerRequest: null });
await r.flushdb();
const q = new Queue('persist-listings', {
  connection: r,
  prefix: 'sw',
  defaultJobOptions: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { count: 1000 },
    removeOnFail: { count: 10000 },
  },
});
await q.waitUntilReady();
for (const size of [1, 10, 100]) {
  const total = 20000;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let id = size * 1_000_000;
  for (let done = 0; done < total; done += size) {
    await q.addBulk(Array.from({ length: size }, () => listingJob(id++)) as never);
  }
  const c = process.cpuUsage(c0);
  const ms = performance.now() - t0;
  console.log(
    `batch ${size}: ${((total / ms) * 1000).toFixed(0)} jobs/s, client CPU ${((c.user + c.system) / total).toFixed(1)} µs/job`,
  );
}
await q.close();
await r.flushdb();
r.disconnect();
