import { randomUUID } from 'node:crypto';
import type { Config } from '../../config/index.js';
import type { Connections } from '../../shared/infra/process/connections.js';
import { jobIds, type PersistUserJob } from '../../shared/domain/writes/write-jobs.js';
import { QUEUE_NAMES } from '../../shared/infra/queues/queue-names.js';
import { createQueue } from '../../shared/domain/resources/resource-queues.js';
import type { BulkJob, ShardedQueue } from '../../shared/infra/queues/sharded-queue.js';
import type { RedisClient } from '../../shared/infra/redis/redis-client.js';
import { localMysqlPids, startCpuCount, type CpuCount } from '../lib/cpu.js';
import { load, type HttpRun } from '../lib/load.js';
import { queueRedisPids, type QueueMode } from '../lib/queue-modes.js';
import { startApi, startWorkers } from '../lib/spillway.js';

/** µs of CPU per accepted write: the API, the queue Redis masters and replicas, autocannon (this process). */
export type AcceptCpuGroup = 'api' | 'masters' | 'replicas' | 'loadGenerator';
/** µs of CPU per drained job: the worker process, the queue Redis masters and replicas, MySQL. */
export type DrainCpuGroup = 'workers' | 'masters' | 'replicas' | 'mysql';

/**
 * µs of CPU per second the queue Redis used just before a run with nothing of
 * the benchmark running: its own housekeeping (cron, the cluster bus) and any
 * other test run on the shared servers. It is inside the run's per-unit
 * figures too; this says how much of them it may be.
 */
export type IdleRedis = Record<'masters' | 'replicas', number>;

export type AcceptRun = Omit<HttpRun, 'cpu'> & {
  readonly cpu: CpuCount<AcceptCpuGroup>;
  readonly idle: IdleRedis;
};

export interface QueueDrainRun {
  readonly name: string;
  readonly jobs: number;
  readonly seconds: number;
  readonly jobsPerSec: number;
  readonly cpu: CpuCount<DrainCpuGroup>;
  readonly idle: IdleRedis;
}

const USER = { name: 'Bench User' };
const IDLE_SECONDS = 3;

/** The queue Redis's CPU over IDLE_SECONDS with none of the benchmark's load. */
async function idleRedis(pids: { masters: number[]; replicas: number[] }): Promise<IdleRedis> {
  const count = await startCpuCount<keyof IdleRedis>(pids);
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  return (await count.stop(IDLE_SECONDS)).perUnit;
}
const CHUNK = 1000;

/**
 * POST /users for `seconds` through a fresh API on the mode's queue Redis, no
 * workers running: the accept path alone (validate, id, enqueue, WAIT when the
 * mode has it). A one-second warm-up first, so every mode is measured past the JIT.
 */
export async function acceptRun(
  mode: QueueMode,
  queueRedis: RedisClient,
  seconds: number,
): Promise<AcceptRun> {
  const api = await startApi({ ...mode.env, LOG_LEVEL: 'warn' });
  try {
    const url = `${api.usersUrl}/users`;
    await load('warm-up', { url, seconds: 1, method: 'POST', body: USER });
    const { masters, replicas } = await queueRedisPids(queueRedis);
    const idle = await idleRedis({ masters, replicas });
    const cpu = await startCpuCount<AcceptCpuGroup>({
      api: [api.child.pid],
      masters,
      replicas,
      loadGenerator: [process.pid],
    });
    const run = await load(mode.name, { url, seconds, method: 'POST', body: USER });
    return { ...run, cpu: await cpu.stop(run.ok), idle };
  } finally {
    await api.child.stop();
  }
}

/** A user write's job as the API enqueues it (a UUID request id, so the job has its real size). */
function userJob(id: number): BulkJob<PersistUserJob> {
  const now = Date.now() * 1000;
  return {
    name: 'user.create',
    data: {
      requestId: randomUUID(),
      version: 1,
      user: { id, name: `bench user ${id}`, created_at: now, updated_at: now },
    },
    opts: { jobId: jobIds.persist('users', id, 1) },
  };
}

/** Job states that still have work to do. */
const UNSETTLED = ['waiting', 'active', 'delayed', 'prioritized'] as const;

/**
 * Seconds from `started` until no shard has a job left to do. Polled every
 * 50 ms whatever the mode: 16 shards are 16 count scripts a poll, which at 10 ms
 * would add Redis work the other modes do not have.
 */
async function secondsUntilSettled(queue: ShardedQueue<unknown>, started: number, name: string) {
  for (;;) {
    const counts = await queue.getJobCounts(...UNSETTLED);
    const elapsed = (performance.now() - started) / 1000;
    if (UNSETTLED.every((state) => (counts[state] ?? 0) === 0)) return elapsed;
    if (elapsed > 600) throw new Error(`${name}: not drained in 600 s (${JSON.stringify(counts)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A backlog of `jobs` user writes, spread over the mode's shards as the API
 * spreads them (by id, through the project's own ShardedQueue), drained into
 * MySQL by one persist worker process. The clock runs from releasing the
 * paused shards until none has a job left; every job must then be a row.
 */
export async function drainRun(
  mode: QueueMode,
  config: Config,
  queueRedis: RedisClient,
  base: Connections,
  jobs: number,
): Promise<QueueDrainRun> {
  const queue = createQueue(config, queueRedis, QUEUE_NAMES.persistUsers);
  try {
    await Promise.all(queue.shards.map((shard) => shard.pause()));
    for (let start = 1; start <= jobs; start += CHUNK) {
      const count = Math.min(CHUNK, jobs - start + 1);
      await queue.addBulk(Array.from({ length: count }, (_, i) => userJob(start + i)));
    }
    const workers = await startWorkers({ ...mode.env, WORKER_QUEUES: QUEUE_NAMES.persistUsers });
    try {
      const { masters, replicas } = await queueRedisPids(queueRedis);
      const idle = await idleRedis({ masters, replicas });
      const cpu = await startCpuCount<DrainCpuGroup>({
        workers: [workers.pid],
        masters,
        replicas,
        mysql: await localMysqlPids(base),
      });
      const started = performance.now();
      await Promise.all(queue.shards.map((shard) => shard.resume()));
      const seconds = await secondsUntilSettled(queue, started, mode.name);
      const cpuCount = await cpu.stop(jobs);
      const [rows] = await base.mysql.query('SELECT COUNT(*) AS n FROM users');
      const stored = Number((rows as { n: number }[])[0]?.n ?? 0);
      if (stored !== jobs)
        throw new Error(`${mode.name}: drained the queue but stored ${stored} of ${jobs} users`);
      return { name: mode.name, jobs, seconds, jobsPerSec: jobs / seconds, cpu: cpuCount, idle };
    } finally {
      await workers.stop();
    }
  } finally {
    await queue.close();
  }
}
