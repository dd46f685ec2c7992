/**
 * BullMQ's own ceiling: a worker whose jobs do nothing, at the same
 * concurrency as Spillway's workers. Prints "ready", then "done N" once N jobs
 * have completed. Benchmark code only.
 * Usage: bullmq-empty-worker.ts QUEUE COUNT CONCURRENCY [INSTANCES] (REDIS_QUEUE_URL,
 * QUEUE_PREFIX): INSTANCES workers share the concurrency, as Spillway's do.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { splitConcurrency } from '../../workers/split-concurrency.js';

const [queueName = 'bench-empty', countArg = '0', concurrencyArg = '1', instancesArg = '1'] =
  process.argv.slice(2);
const instances = Number(instancesArg);
const count = Number(countArg);
const connection = new Redis(process.env.REDIS_QUEUE_URL ?? '', { maxRetriesPerRequest: null });
let completed = 0;
const workers = splitConcurrency(Number(concurrencyArg), instances).map(
  (concurrency) =>
    new Worker(queueName, async () => undefined, {
      connection,
      prefix: process.env.QUEUE_PREFIX ?? '{spillway}',
      concurrency,
    }),
);
for (const worker of workers) {
  worker.on('completed', () => {
    completed += 1;
    if (completed === count) console.log(`done ${completed}`);
  });
}
await Promise.all(workers.map((worker) => worker.waitUntilReady()));
console.log('ready');
process.on('SIGTERM', () => {
  void Promise.all(workers.map((worker) => worker.close())).then(() => process.exit(0));
});
