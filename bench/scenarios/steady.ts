import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { request } from 'undici';
import type { Config } from '../../config/index.js';
import type { Connections } from '../../shared/infra/process/connections.js';
import { QUEUE_NAMES } from '../../shared/infra/queues/queue-names.js';
import { defaultJobOptions } from '../../shared/infra/queues/queues.js';
import { runChild } from '../lib/child.js';
import { localMysqlPids, localRedisPids, startCpuCount, type SteadyCpuGroup } from '../lib/cpu.js';
import { describeCpu, fmt } from '../lib/cpu-report.js';
import type { SteadyResults, SteadyRun } from '../lib/steady-report.js';
import { best } from '../lib/load.js';
import { startApi, startWorkers } from '../lib/spillway.js';
import { benchEnv, countListings, resetBenchStores } from '../lib/stores.js';
import { PIPELINE_POOLS, secondsUntilSettled } from './drain.js';

export interface SteadyPlan {
  readonly bulkWrites: number;
  readonly singleWrites: number;
  readonly rounds: number;
  readonly log: (line: string) => void;
}

/** Bulk requests (or addBulk calls) in flight at once, as bench/bulk-drain.ts's clients. */
const BULK_CLIENTS = 4;
const PER_REQUEST = 1_000;
/** Single writes in flight at once (autocannon connections; Queue.add callers for the ceiling). */
const SINGLE_CONNECTIONS = 100;
const LISTING = { user_id: 1, listing_type: 'rent', price: 1500 } as const;
const NDJSON_BODY = Buffer.from(`${JSON.stringify(LISTING)}\n`.repeat(PER_REQUEST));

async function cpuGroups(
  connections: Connections,
  pids: { api?: number; workers: readonly number[] },
): Promise<Record<SteadyCpuGroup, readonly number[]>> {
  return {
    api: pids.api ? [pids.api] : [],
    workers: pids.workers,
    redis: await localRedisPids(connections),
    mysql: await localMysqlPids(connections),
    // The bench process: autocannon, the NDJSON client, or the ceiling's adds.
    loadGenerator: [process.pid],
  };
}

/** Runs `callers` loops of `work` until `total` units are claimed; each call takes up to `size`. */
async function inParallel(
  total: number,
  callers: number,
  size: number,
  work: (count: number, first: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < total) {
        const first = next;
        const count = Math.min(size, total - next);
        next += count;
        await work(count, first);
      }
    }),
  );
}

/** BullMQ's own steady ceiling: empty jobs added from this process while one worker process completes them. */
async function ceiling(
  name: string,
  config: Config,
  connections: Connections,
  writes: number,
  add: (queue: Queue) => Promise<void>,
): Promise<SteadyRun> {
  await resetBenchStores(connections);
  const queueName = 'bench-steady-empty';
  const queue = new Queue(queueName, {
    connection: connections.queueRedis,
    prefix: config.queue.prefix,
    defaultJobOptions: defaultJobOptions(config),
  });
  const worker = runChild(
    'bench/servers/bullmq-empty-worker.ts',
    [queueName, String(writes), String(config.worker.concurrency), String(config.worker.instances)],
    benchEnv(),
  );
  try {
    await worker.waitForLine(/^ready/, 120_000);
    const cpu = await startCpuCount(await cpuGroups(connections, { workers: [worker.pid] }));
    const done = worker.waitForLine(/^done/, 600_000);
    const started = performance.now();
    await add(queue);
    const intakeSeconds = (performance.now() - started) / 1000;
    await done;
    const seconds = (performance.now() - started) / 1000;
    return {
      name,
      writes,
      intakeSeconds,
      seconds,
      writesPerSec: writes / seconds,
      cpu: await cpu.stop(writes),
    };
  } finally {
    await worker.stop();
    await queue.close();
  }
}

function bulkCeiling(config: Config, connections: Connections, writes: number) {
  return ceiling('bullmq addBulk', config, connections, writes, (queue) =>
    inParallel(writes, BULK_CLIENTS, PER_REQUEST, (count, first) =>
      queue
        .addBulk(
          Array.from({ length: count }, (_, i) => ({
            name: 'empty',
            data: {},
            opts: { jobId: `empty-${first + i}` },
          })),
        )
        .then(() => undefined),
    ),
  );
}

function singleCeiling(config: Config, connections: Connections, writes: number) {
  return ceiling('bullmq add', config, connections, writes, (queue) =>
    inParallel(writes, SINGLE_CONNECTIONS, 1, (_, first) =>
      queue.add('empty', {}, { jobId: `empty-${first}` }).then(() => undefined),
    ),
  );
}

/**
 * Spillway's steady state: the real API (default settings but for the bench's
 * rate limits and backlog bound, lib/stores.ts) and the pipeline's two worker
 * pools run together; `send` posts the writes and returns how many were accepted.
 */
async function spillway(
  name: string,
  config: Config,
  connections: Connections,
  writes: number,
  send: (listingsUrl: string) => Promise<number>,
): Promise<SteadyRun> {
  await resetBenchStores(connections);
  const workers = await Promise.all(PIPELINE_POOLS.map((env) => startWorkers(env)));
  const api = await startApi().catch(async (error: unknown) => {
    await Promise.all(workers.map((worker) => worker.stop()));
    throw error;
  });
  const queues = [QUEUE_NAMES.persistListings, QUEUE_NAMES.replicate].map(
    (queue) =>
      new Queue(queue, { connection: connections.queueRedis, prefix: config.queue.prefix }),
  );
  try {
    const cpu = await startCpuCount(
      await cpuGroups(connections, {
        api: api.child.pid,
        workers: workers.map((worker) => worker.pid),
      }),
    );
    const started = performance.now();
    const accepted = await send(api.listingsUrl);
    const intakeSeconds = (performance.now() - started) / 1000;
    // The persist queue first: a persist job completes only after its replicate job is queued.
    for (const queue of queues) await secondsUntilSettled(queue, started, name);
    const seconds = (performance.now() - started) / 1000;
    const cpuCount = await cpu.stop(accepted);
    const stored = await countListings(connections);
    if (accepted !== writes || stored.mysql !== accepted || stored.mongo !== accepted)
      throw new Error(
        `${name}: ${accepted} of ${writes} accepted, stored ${JSON.stringify(stored)}`,
      );
    return {
      name,
      writes: accepted,
      intakeSeconds,
      seconds,
      writesPerSec: accepted / seconds,
      cpu: cpuCount,
    };
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
    await Promise.all([api.child.stop(), ...workers.map((worker) => worker.stop())]);
  }
}

/** NDJSON bodies of PER_REQUEST listings to /listings/bulk, BULK_CLIENTS in flight; the summary line counts. */
function bulk(config: Config, connections: Connections, writes: number) {
  return spillway('bulk NDJSON', config, connections, writes, async (url) => {
    let accepted = 0;
    await inParallel(writes, BULK_CLIENTS, PER_REQUEST, async (count) => {
      // Every line is the same listing: one prepared body, the load generator's cost kept small.
      const line = NDJSON_BODY.length / PER_REQUEST;
      const answer = await request(`${url}/listings/bulk`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: NDJSON_BODY.subarray(0, count * line),
      });
      const text = await answer.body.text();
      const summary = JSON.parse(text.slice(text.trimEnd().lastIndexOf('\n') + 1)) as {
        accepted?: number;
      };
      accepted += summary.accepted ?? 0;
    });
    return accepted;
  });
}

/** POST /listings from SINGLE_CONNECTIONS connections, `writes` requests in all (autocannon's `amount`). */
function single(config: Config, connections: Connections, writes: number) {
  return spillway('single POST', config, connections, writes, async (url) => {
    const result = await autocannon({
      url: `${url}/listings`,
      connections: SINGLE_CONNECTIONS,
      amount: writes,
      method: 'POST',
      body: JSON.stringify(LISTING),
      headers: { 'content-type': 'application/json' },
    });
    return result['2xx'];
  });
}

function show(log: (line: string) => void, run: SteadyRun): SteadyRun {
  log(
    `  ${run.name.padEnd(15)} ${run.writes} writes: ${fmt(run.writesPerSec)} writes/s (accepted in ${fmt(run.intakeSeconds, 1)} s, done in ${fmt(run.seconds, 1)} s)` +
      (run.cpu ? `  ${describeCpu(run.cpu, 'write')}` : ''),
  );
  return run;
}

/**
 * The four steady runs, alternating round by round (each ceiling just before
 * its Spillway run, so a noisy neighbour costs both alike); best of each.
 */
export async function runSteady(
  config: Config,
  connections: Connections,
  plan: SteadyPlan,
): Promise<SteadyResults> {
  const runs: Record<keyof SteadyResults, SteadyRun[]> = {
    bulkCeiling: [],
    bulk: [],
    singleCeiling: [],
    single: [],
  };
  for (let round = 1; round <= plan.rounds; round += 1) {
    plan.log(`round ${round}/${plan.rounds}`);
    runs.bulkCeiling.push(show(plan.log, await bulkCeiling(config, connections, plan.bulkWrites)));
    runs.bulk.push(show(plan.log, await bulk(config, connections, plan.bulkWrites)));
    runs.singleCeiling.push(
      show(plan.log, await singleCeiling(config, connections, plan.singleWrites)),
    );
    runs.single.push(show(plan.log, await single(config, connections, plan.singleWrites)));
  }
  await resetBenchStores(connections);
  const rate = (run: SteadyRun) => run.writesPerSec;
  return {
    bulk: best(runs.bulk, rate),
    bulkCeiling: best(runs.bulkCeiling, rate),
    single: best(runs.single, rate),
    singleCeiling: best(runs.singleCeiling, rate),
  };
}
