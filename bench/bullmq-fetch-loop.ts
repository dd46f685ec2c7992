/**
 * BullMQ alone, no Spillway code (tuning log 42): how long a job a worker has
 * already fetched waits before its processor starts, at a steady arrival rate,
 * for several worker concurrencies. The processor is a group commit as
 * Spillway's persist workers do it: each job joins a batch that "commits" (a
 * timer) MAX_WAIT_MS after its first job, then every job of the batch
 * completes. The wait measured is the processor's start minus the job's
 * `processedOn`, which BullMQ stamps when the job is moved to active (the
 * worker fetched it). Usage:
 * `npx tsx bench/bullmq-fetch-loop.ts [RATE=1500] [SECONDS=10] [CONCURRENCY=125,25] [ROUNDS=2]`
 * (one worker process: this one; Redis db 10 of the queue Redis, emptied first).
 * Saves its raw results in bench/results/bullmq-fetch-loop-<timestamp>.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { ROOT } from './lib/child.js';
import { benchStores } from './lib/stores.js';
import { parseToolArgs } from './lib/tool-args.js';
import { percentile } from './lib/percentile.js';

const { env } = parseToolArgs(process.argv.slice(2));
const rate = Number(env.RATE ?? 1500);
const seconds = Number(env.SECONDS ?? 10);
const concurrencies = (env.CONCURRENCY ?? '125,25').split(',').map(Number);
const rounds = Number(env.ROUNDS ?? 2);
const MAX_WAIT_MS = 5;
const COMMIT_MS = 10;
/** Jobs are added every TICK_MS, as an API's intake batcher adds a turn's writes. */
const TICK_MS = 10;

interface Round {
  readonly concurrency: number;
  readonly jobs: number;
  readonly jobsPerSec: number;
  readonly waitMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly batch: { readonly p50: number; readonly max: number };
}

/** A group commit: jobs wait for the batch they joined to commit. */
function groupCommit(batches: number[]) {
  let pending: (() => void)[] = [];
  return () =>
    new Promise<void>((resolve) => {
      pending.push(resolve);
      if (pending.length > 1) return;
      setTimeout(() => {
        const batch = pending;
        pending = [];
        batches.push(batch.length);
        setTimeout(() => batch.forEach((done) => done()), COMMIT_MS);
      }, MAX_WAIT_MS);
    });
}

async function runRound(connection: Redis, concurrency: number, name: string): Promise<Round> {
  const queue = new Queue(name, { connection });
  const waits: number[] = [];
  const batches: number[] = [];
  const commit = groupCommit(batches);
  const worker = new Worker(
    name,
    async (job: Job) => {
      waits.push(Date.now() - (job.processedOn ?? Date.now()));
      await commit();
    },
    { connection, concurrency, removeOnComplete: { count: 0 } },
  );
  const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
  const started = Date.now();
  let added = 0;
  while (Date.now() - started < seconds * 1000) {
    const tick = Date.now();
    await queue.addBulk(Array.from({ length: perTick }, () => ({ name: 'write', data: { n: 1 } })));
    added += perTick;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, TICK_MS - (Date.now() - tick))));
  }
  while (waits.length < added) await new Promise((resolve) => setTimeout(resolve, 20));
  const elapsed = (Date.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  const sorted = [...waits].sort((a, b) => a - b);
  const sizes = [...batches].sort((a, b) => a - b);
  return {
    concurrency,
    jobs: added,
    jobsPerSec: added / elapsed,
    waitMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN },
    batch: { p50: percentile(sizes, 50), max: sizes.at(-1) ?? NaN },
  };
}

const queueUrl = benchStores().REDIS_QUEUE_URL;
if (!queueUrl) throw new Error('no queue Redis URL in bench/lib/stores.ts');
const connection = new Redis(queueUrl, { maxRetriesPerRequest: null });
await connection.flushdb();
const results: Round[] = [];
try {
  for (let round = 0; round < rounds; round += 1) {
    for (const concurrency of concurrencies) {
      const result = await runRound(connection, concurrency, `fetch-loop-${round}-${concurrency}`);
      results.push(result);
      console.log(
        `concurrency ${String(concurrency).padStart(4)}: ${result.jobs} jobs at ${result.jobsPerSec.toFixed(0)}/s; ` +
          `fetched → started p50 ${result.waitMs.p50} ms, p99 ${result.waitMs.p99} ms, max ${result.waitMs.max} ms; ` +
          `batch p50 ${result.batch.p50}, max ${result.batch.max}`,
      );
    }
  }
  const dir = join(ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(
    dir,
    `bullmq-fetch-loop-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  );
  await writeFile(file, JSON.stringify({ rate, seconds, results }, null, 2));
  console.log(`raw results: ${file}`);
} finally {
  await connection.quit();
}
