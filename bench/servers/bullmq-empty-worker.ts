/**
 * BullMQ's own ceiling: a worker whose jobs do nothing, at the same
 * concurrency as Spillway's workers. Prints "ready", then "done N" once N jobs
 * have completed. Benchmark code only.
 * Usage: bullmq-empty-worker.ts QUEUE COUNT CONCURRENCY (REDIS_QUEUE_URL, QUEUE_PREFIX).
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const [queueName = 'bench-empty', countArg = '0', concurrencyArg = '1'] = process.argv.slice(2);
const count = Number(countArg);
const connection = new Redis(process.env.REDIS_QUEUE_URL ?? '', { maxRetriesPerRequest: null });
let completed = 0;
const worker = new Worker(queueName, async () => undefined, {
  connection,
  prefix: process.env.QUEUE_PREFIX ?? '{spillway}',
  concurrency: Number(concurrencyArg),
});
worker.on('completed', () => {
  completed += 1;
  if (completed === count) console.log(`done ${completed}`);
});
await worker.waitUntilReady();
console.log('ready');
process.on('SIGTERM', () => {
  void worker.close().then(() => process.exit(0));
});
