import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Config } from '../../config/index.js';
import type { Connections } from '../../shared/infra/process/connections.js';
import { jobIds, type PersistListingJob } from '../../shared/domain/writes/write-jobs.js';
import { QUEUE_NAMES } from '../../shared/infra/queues/queue-names.js';
import { defaultJobOptions } from '../../shared/infra/queues/queues.js';
import { benchEnv, countListings, resetBenchStores } from '../lib/stores.js';
import { runChild } from '../lib/child.js';
import { startWorkers } from '../lib/spillway.js';
import { startDrainCpuCount, type CpuCount, type DrainCpuGroup } from '../lib/cpu.js';
import { describeCpu } from '../lib/cpu-report.js';
import { best } from '../lib/load.js';

export interface DrainRun {
  readonly name: string;
  readonly jobs: number;
  /** Seconds from releasing the backlog until its queue has no job left to do (rows then counted). */
  readonly mysqlSeconds: number;
  /** ... until the replicate queue has none left either (NaN for MySQL-only runs and the ceiling). */
  readonly mongoSeconds: number;
  readonly mysqlJobsPerSec: number;
  readonly mongoJobsPerSec: number;
  /** Where the CPU went from release to the last queue settled: µs per job, and how busy the machine was. */
  readonly cpu?: CpuCount<DrainCpuGroup>;
}

const CHUNK = 1000;

/** The real payload shape of a listing write, as the API enqueues it. */
export function listingJob(id: number): { name: string; data: PersistListingJob; opts: object } {
  const now = Date.now() * 1000;
  return {
    name: 'listing.create',
    data: {
      // A request id as long as the API's own (a UUID), so the job's size is the real one.
      requestId: randomUUID(),
      version: 1,
      listing: {
        id,
        user_id: 1,
        listing_type: 'rent',
        price: 1000 + id,
        created_at: now,
        updated_at: now,
      },
    },
    opts: { jobId: jobIds.persist('listings', id, 1) },
  };
}

/** The listing persist queue as the API fills it (same name, prefix and job options). */
export function listingQueue(config: Config, connections: Connections): Queue {
  return new Queue(QUEUE_NAMES.persistListings, {
    connection: connections.queueRedis,
    prefix: config.queue.prefix,
    defaultJobOptions: defaultJobOptions(config),
  });
}

/** Fills a paused queue with `jobs` jobs through Queue.addBulk in chunks of 1000. */
export async function fillBacklog(
  queue: Queue,
  jobs: number,
  make: (id: number) => { name: string; data: unknown; opts: object },
): Promise<void> {
  for (let start = 1; start <= jobs; start += CHUNK) {
    const chunk = Array.from({ length: Math.min(CHUNK, jobs - start + 1) }, (_, i) =>
      make(start + i),
    );
    await queue.addBulk(chunk as never);
  }
}

export interface DrainOptions {
  /** Node flags for the worker processes (a CPU profile). */
  readonly nodeArgs?: readonly string[];
  /** Another checkout's workers entry (see lib/base-build.ts). */
  readonly workersEntry?: string;
  /** The backlog's jobs (default: listing writes as the API enqueues them with tracing off). */
  readonly job?: typeof listingJob;
}

export async function drainSpillway(
  name: string,
  config: Config,
  connections: Connections,
  jobs: number,
  /** One worker process per entry, each with its own extra environment. */
  pools: readonly Record<string, string>[],
  options: DrainOptions = {},
): Promise<DrainRun> {
  const { nodeArgs = [], workersEntry, job = listingJob } = options;
  await resetBenchStores(connections);
  const queue = listingQueue(config, connections);
  await queue.pause();
  await fillBacklog(queue, jobs, job);
  const mysqlOnly = pools.every((env) => env.WORKER_QUEUES === QUEUE_NAMES.persistListings);
  const replicate = new Queue(QUEUE_NAMES.replicate, {
    connection: connections.queueRedis,
    prefix: config.queue.prefix,
  });
  const workers = await Promise.all(pools.map((env) => startWorkers(env, nodeArgs, workersEntry)));
  try {
    const cpu = await startDrainCpuCount(
      connections,
      workers.map((worker) => worker.pid),
    );
    const started = performance.now();
    await queue.resume();
    const mysqlSeconds = await secondsUntilSettled(queue, started, name);
    const mongoSeconds = mysqlOnly
      ? Number.NaN
      : await secondsUntilSettled(replicate, started, name);
    const cpuCount = await cpu.stop(jobs);
    await expectStored(connections, jobs, mysqlOnly, name);
    return {
      name,
      jobs,
      mysqlSeconds,
      mongoSeconds,
      mysqlJobsPerSec: jobs / mysqlSeconds,
      mongoJobsPerSec: jobs / mongoSeconds,
      cpu: cpuCount,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await Promise.all([queue.close(), replicate.close()]);
  }
}

/** Job states that still have work to do. */
const UNSETTLED = ['waiting', 'active', 'delayed', 'prioritized'] as const;

/**
 * Seconds from `started` until the queue has no job left to do. Asked of the
 * queue (one cheap Redis script) rather than of the stores: counting rows and
 * documents every 100 ms is work the ceiling does not do, and FerretDB (SQLite)
 * counts by reading every document (~1.2 s per count at 30,000 of them),
 * which took the CPU the replication was being measured on.
 */
export async function secondsUntilSettled(
  queue: Queue,
  started: number,
  name: string,
): Promise<number> {
  for (;;) {
    const counts = await queue.getJobCounts(...UNSETTLED);
    const elapsed = (performance.now() - started) / 1000;
    if (UNSETTLED.every((state) => (counts[state] ?? 0) === 0)) return elapsed;
    if (elapsed > 600)
      throw new Error(`${name}: ${queue.name} not drained in 600 s (${JSON.stringify(counts)})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * After the clock stops: every write must be a row (and a document, unless the
 * run is MySQL-only). A persist job completes only after its replicate job is
 * queued, so an empty persist queue then an empty replicate queue means done;
 * failed jobs or lost writes show here as an error, not as a faster run.
 */
async function expectStored(
  connections: Connections,
  jobs: number,
  mysqlOnly: boolean,
  name: string,
): Promise<void> {
  const counts = await countListings(connections);
  if (counts.mysql !== jobs || (!mysqlOnly && counts.mongo !== jobs))
    throw new Error(`${name}: drained queues but stored ${JSON.stringify(counts)} of ${jobs}`);
}

export async function drainEmpty(
  config: Config,
  connections: Connections,
  jobs: number,
  /** Node flags for the empty-job worker (drain-only's `--cpu-prof` profiles it too). */
  nodeArgs: readonly string[] = [],
): Promise<DrainRun> {
  await resetBenchStores(connections);
  const name = 'bench-empty';
  const queue = new Queue(name, {
    connection: connections.queueRedis,
    prefix: config.queue.prefix,
    defaultJobOptions: defaultJobOptions(config),
  });
  await queue.pause();
  await fillBacklog(queue, jobs, (id) => ({
    name: 'empty',
    data: {},
    opts: { jobId: `empty-${id}` },
  }));
  const worker = runChild(
    'bench/servers/bullmq-empty-worker.ts',
    [name, String(jobs), String(config.worker.concurrency), String(config.worker.instances)],
    benchEnv(),
    nodeArgs,
  );
  try {
    await worker.waitForLine(/^ready/, 120_000);
    const cpu = await startDrainCpuCount(connections, [worker.pid]);
    const started = performance.now();
    const done = worker.waitForLine(/^done/, 600_000);
    await queue.resume();
    await done;
    const seconds = (performance.now() - started) / 1000;
    const cpuCount = await cpu.stop(jobs);
    return {
      name: 'bullmq-ceiling',
      jobs,
      mysqlSeconds: seconds,
      mongoSeconds: Number.NaN,
      mysqlJobsPerSec: jobs / seconds,
      mongoJobsPerSec: Number.NaN,
      cpu: cpuCount,
    };
  } finally {
    await worker.stop();
    await queue.close();
  }
}

/** A worker pool of the persist queue alone, as WORKER_QUEUES deploys one: drain into MySQL. */
const MYSQL_POOL = { WORKER_QUEUES: QUEUE_NAMES.persistListings };
/**
 * The whole pipeline as a small deployment runs it on two cores: a persist
 * pool and a pool for everything else (replication first), two processes.
 */
export const PIPELINE_POOLS = [
  MYSQL_POOL,
  {
    WORKER_QUEUES: Object.values(QUEUE_NAMES)
      .filter((queue) => queue !== QUEUE_NAMES.persistListings)
      .join(','),
  },
];

export interface DrainResults {
  /** Group commit into MySQL by a persist-only worker pool. */
  readonly grouped: DrainRun;
  /** The same pool committing one job at a time. */
  readonly oneByOne: DrainRun;
  /** Two worker pools (persist; everything else): MySQL, then the Mongo replica. */
  readonly pipeline: DrainRun;
  /** Empty jobs at the same concurrency. */
  readonly ceiling: DrainRun;
}

/**
 * A backlog of `jobs` listing writes drained into MySQL by a persist worker
 * pool (group commit, then one commit per job), through the whole pipeline
 * to the Mongo replica by two worker pools, and BullMQ's own ceiling with
 * empty jobs at the same concurrency. Each starts from empty stores. All four
 * alternate for `rounds` rounds, as the HTTP scenarios do, and the best run of
 * each counts: a noisy neighbour then costs every side alike.
 */
export async function runDrains(
  config: Config,
  connections: Connections,
  options: {
    jobs: number;
    oneByOneJobs: number;
    rounds: number;
    log: (line: string) => void;
  },
): Promise<DrainResults> {
  const show = (run: DrainRun) => {
    const cpu = run.cpu;
    options.log(
      `  ${run.name.padEnd(14)} ${run.jobs} jobs: MySQL ${run.mysqlJobsPerSec.toFixed(0)} jobs/s (${run.mysqlSeconds.toFixed(1)} s)` +
        (Number.isNaN(run.mongoSeconds)
          ? ''
          : `, + Mongo ${run.mongoJobsPerSec.toFixed(0)} jobs/s (${run.mongoSeconds.toFixed(1)} s)`) +
        (cpu ? `  ${describeCpu(cpu, 'job')}` : ''),
    );
    return run;
  };
  const runs = { ceiling: [], grouped: [], oneByOne: [], pipeline: [] } as Record<
    keyof DrainResults,
    DrainRun[]
  >;
  for (let round = 1; round <= options.rounds; round += 1) {
    options.log(`round ${round}/${options.rounds}`);
    runs.ceiling.push(show(await drainEmpty(config, connections, options.jobs)));
    runs.grouped.push(
      show(await drainSpillway('group-commit', config, connections, options.jobs, [MYSQL_POOL])),
    );
    runs.oneByOne.push(
      show(
        // As many jobs as the others in a full run; fewer in --quick (it is slow).
        await drainSpillway('one-by-one', config, connections, options.oneByOneJobs, [
          { ...MYSQL_POOL, GROUP_COMMIT_MAX_BATCH: '1' },
        ]),
      ),
    );
    runs.pipeline.push(
      show(await drainSpillway('pipeline', config, connections, options.jobs, PIPELINE_POOLS)),
    );
  }
  const byMysql = (run: DrainRun) => run.mysqlJobsPerSec;
  return {
    ceiling: best(runs.ceiling, byMysql),
    grouped: best(runs.grouped, byMysql),
    oneByOne: best(runs.oneByOne, byMysql),
    pipeline: best(runs.pipeline, (run) => run.mongoJobsPerSec),
  };
}
