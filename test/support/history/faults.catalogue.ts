import { QUEUE_NAMES } from '../../../shared/infra/queues/queue-names.js';
import { testSlot } from '../../../config/test-slot.js';
import { DeadLettersService } from '../../../shared/domain/dead-letters/dead-letters.service.js';
import { queueShardNames } from '../../../shared/infra/redis/redis-keys.js';
import { DeadLetterRepository } from '../../../shared/domain/repositories/dead-letter.repository.js';
import { eventually } from '../eventually.js';
import type { RunningProcess } from '../processes.js';
import { startPrivateFerretdb } from '../private-ferretdb.js';
import { startPrivateMariadb } from '../private-mariadb.js';
import { startPrivateRedis } from '../private-redis.js';
import { failoverMasterOf, waitClusterHealthy } from '../redis-cluster.js';
import {
  CACHE_CLUSTER_NODES,
  QUEUE_CLUSTER_NODES,
  QUEUE_CLUSTER_PORTS,
} from '../redis-cluster-topology.js';
import type { Fault, FaultContext, FaultSetup, StoppableStore } from './fault.js';
import { takenOver } from './queue-watch.js';

/** Requests answered while a store is down, before it comes back. */
const ANSWERED_DURING_OUTAGE = 200;
/** Writes failed for good (dead letters) before the store outage past the retry budget ends: past QUEUE_KEEP_FAILED=10. */
const DEAD_LETTERS_DURING_OUTAGE = 30;
/** Requests answered while no worker runs, before a new one starts. */
const ANSWERED_WITHOUT_WORKER = 100;

/**
 * The worker faults run with a 5 s lock (10 s in the others): a dead or frozen
 * worker's jobs come back after two stalled checks, 10-15 s instead of 20-30 s,
 * and every key's writes wait behind them meanwhile. Still two lock renewals of
 * margin against a busy event loop (3 s was too short: docs/guarantees.md).
 */
const workerFaultSetup = async (): Promise<FaultSetup> => ({
  env: { WORKER_LOCK_MS: '5000' },
  teardown: async () => undefined,
});

/**
 * Sends `signal` to the worker at a moment it holds jobs (mid-batch), so the
 * fault hits work in flight. Returns the jobs it held and their lock tokens.
 */
async function signalWhileHolding(
  context: FaultContext,
  worker: RunningProcess,
  signal: 'SIGKILL' | 'SIGSTOP',
): Promise<Map<string, string>> {
  for (let attempt = 0; attempt < 2000; attempt += 1) {
    if ((await context.queues.heldLocks()).size === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      continue;
    }
    worker.child.kill(signal);
    const held = await context.queues.heldLocks();
    if (held.size > 0 || signal === 'SIGKILL') return held;
    // It finished them between the two reads: let it run and catch it again.
    worker.child.kill('SIGCONT');
  }
  throw new Error(`the worker never held a job to ${signal} it with`);
}

function liveWorker(context: FaultContext): RunningProcess {
  const worker = context.pipeline.workers.find((w) => w.child.exitCode === null);
  if (!worker) throw new Error('no worker is running');
  return worker;
}

/** A fault that stops one of the run's own stores, and starts it again on the same data. */
function storeOutage(name: string, setup: () => Promise<FaultSetup>): Fault {
  const store = (context: FaultContext): StoppableStore => {
    if (!context.setup.store) throw new Error(`${name}: the setup made no store`);
    return context.setup.store;
  };
  return {
    name,
    setup,
    async inject(context) {
      await store(context).stop();
      await context.answered(
        ANSWERED_DURING_OUTAGE,
        `${ANSWERED_DURING_OUTAGE} answers with ${name}`,
      );
    },
    heal: (context) => store(context).start(),
  };
}

/**
 * How long no letter may be open (none failed again, none newly recorded)
 * before the re-drive is done: a job's last attempt that started before the
 * store came back fails, and is recorded, a moment after it.
 */
const REDRIVE_QUIET_MS = 3000;

/**
 * The store is back: re-drives every open dead letter until none is left
 * open for a few seconds (a re-driven job that fails again, while the
 * workers reconnect, is a letter open again, re-driven on the next round).
 */
async function redriveAll(context: FaultContext): Promise<void> {
  const deadLetters = new DeadLettersService(
    context.config,
    new DeadLetterRepository(context.connections.mysql),
    context.connections.queueProducer,
  );
  const totals = { rounds: 0, redriven: 0, requeued: 0 };
  const from = Date.now();
  try {
    let quietSince = Date.now();
    await eventually(
      async () => {
        const open = await deadLetters.search({ state: 'open' }, { limit: 1 });
        if (open.total === 0) return Date.now() - quietSince >= REDRIVE_QUIET_MS ? true : undefined;
        const result = await deadLetters.redrive({ state: 'open' }, { dryRun: false, sample: 0 });
        totals.rounds += 1;
        totals.redriven += result.redriven;
        totals.requeued += result.requeued;
        quietSince = Date.now();
        return undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250, what: 'no dead letter left open' },
    );
    const all = await deadLetters.search({ state: 'all' }, { limit: 1 });
    context.note(
      `${all.total} dead letters; re-driven ${totals.redriven} (${totals.requeued} queued again) ` +
        `in ${totals.rounds} rounds, ${Date.now() - from} ms`,
    );
  } finally {
    await deadLetters.close();
  }
}

/** The queue cluster's settings: its nodes, this run's own key prefix, 3 shards per queue. */
function clusterEnv(prefix: string): Record<string, string> {
  return {
    REDIS_QUEUE_URL: `redis://127.0.0.1:${QUEUE_CLUSTER_PORTS[0]}/0`,
    REDIS_QUEUE_CLUSTER_NODES: QUEUE_CLUSTER_NODES,
    REDIS_CACHE_URL: 'redis://127.0.0.1:7400/0',
    REDIS_CACHE_CLUSTER_NODES: CACHE_CLUSTER_NODES,
    QUEUE_PREFIX: prefix,
    CACHE_PREFIX: prefix,
    QUEUE_SHARDS: '3',
    REDIS_QUEUE_WAIT_TIMEOUT_MS: '1000',
  };
}

const CLUSTER_PREFIX = `spillway-history-${testSlot()}`;
const SEED_PORT = QUEUE_CLUSTER_PORTS[0] ?? 7300;

/**
 * The faults of SPEC §5 and §8, one entry each. A new fault is one more entry
 * (`{ name, setup?, inject, heal? }`); the run around it does the rest.
 */
export const FAULTS: readonly Fault[] = [
  { name: 'none', inject: async () => undefined },
  {
    name: 'worker kill -9',
    setup: workerFaultSetup,
    async inject(context) {
      const worker = liveWorker(context);
      context.pipeline.markStopped(worker);
      const held = await signalWhileHolding(context, worker, 'SIGKILL');
      context.note(`killed the worker holding ${held.size} jobs`);
      await context.answered(ANSWERED_WITHOUT_WORKER, 'answers with no worker running');
    },
    async heal(context) {
      context.pipeline.startWorker();
    },
  },
  {
    name: 'worker frozen past its lock',
    setup: workerFaultSetup,
    async inject(context) {
      const frozen = liveWorker(context);
      const held = await signalWhileHolding(context, frozen, 'SIGSTOP');
      const from = Date.now();
      context.pipeline.startWorker();
      // Past its lock: every job it held is finished or held by the other worker.
      await eventually(
        async () =>
          takenOver(held, await context.queues.heldLocks()).length === held.size ? true : undefined,
        { timeoutMs: 90_000, intervalMs: 200, what: 'the frozen worker’s jobs to be taken over' },
      );
      context.note(
        `froze a worker holding ${held.size} jobs; taken over after ${Date.now() - from} ms`,
      );
    },
    async heal(context) {
      // Wakes the frozen worker (to the others, SIGCONT is nothing).
      for (const worker of context.pipeline.workers) worker.child.kill('SIGCONT');
    },
  },
  storeOutage('MariaDB stopped', async () => {
    const mariadb = await startPrivateMariadb();
    return { env: { MYSQL_URL: mariadb.url }, store: mariadb, teardown: () => mariadb.destroy() };
  }),
  storeOutage('FerretDB killed', async () => {
    const ferretdb = await startPrivateFerretdb();
    const env = { MONGO_URL: ferretdb.url('spillway_history') };
    return { env, store: ferretdb, teardown: () => ferretdb.destroy() };
  }),
  // The cache is disposable (§4): reads pass it by, writes never wait on it.
  storeOutage('cache Redis killed', async () => {
    const redis = await startPrivateRedis();
    const store = { stop: () => redis.kill(), start: () => redis.start() };
    return { env: { REDIS_CACHE_URL: redis.url }, store, teardown: () => redis.destroy() };
  }),
  {
    // Two quick attempts and a failed set of ten: while FerretDB is down, order writes and
    // customer copies fail for good (BullMQ trims all but ten of them); every one is a dead
    // letter, re-driven once FerretDB is back.
    ...storeOutage('FerretDB down past the retry budget, QUEUE_KEEP_FAILED=10', async () => {
      const ferretdb = await startPrivateFerretdb();
      const env = {
        MONGO_URL: ferretdb.url('spillway_history'),
        QUEUE_KEEP_FAILED: '10',
        JOB_ATTEMPTS: '2',
        JOB_BACKOFF_MS: '100',
      };
      return { env, store: ferretdb, teardown: () => ferretdb.destroy() };
    }),
    async inject(context) {
      if (!context.setup.store) throw new Error('the setup made no store');
      await context.setup.store.stop();
      const from = Date.now();
      // Past the retry budget: more writes failed for good than the failed set keeps.
      const letters = new DeadLetterRepository(context.connections.mysql);
      await Promise.all([
        context.answered(
          ANSWERED_DURING_OUTAGE,
          `${ANSWERED_DURING_OUTAGE} answers with FerretDB down`,
        ),
        eventually(
          async () =>
            (await letters.count({ state: 'all' })) >= DEAD_LETTERS_DURING_OUTAGE
              ? true
              : undefined,
          {
            timeoutMs: 90_000,
            intervalMs: 250,
            what: `${DEAD_LETTERS_DURING_OUTAGE} dead letters with FerretDB down`,
          },
        ),
      ]);
      context.note(
        `FerretDB down ${Date.now() - from} ms; failed for good meanwhile: ` +
          `${await letters.count({ state: 'all' })} dead letters, ${await context.queues.failed()} kept in the failed sets`,
      );
    },
    async heal(context) {
      if (!context.setup.store) throw new Error('the setup made no store');
      await context.setup.store.start();
      await redriveAll(context);
    },
  },
  storeOutage('queue Redis restarted', async () => {
    const redis = await startPrivateRedis();
    return { env: { REDIS_QUEUE_URL: redis.url }, store: redis, teardown: () => redis.destroy() };
  }),
  {
    name: 'Redis Cluster master failover',
    async setup() {
      await waitClusterHealthy(SEED_PORT, 'the queue cluster before the history run');
      return { env: clusterEnv(CLUSTER_PREFIX), teardown: async () => undefined };
    },
    async inject(context) {
      const [shard] = queueShardNames(CLUSTER_PREFIX, QUEUE_NAMES.persistOrders, 3);
      const switched = await failoverMasterOf(SEED_PORT, `${CLUSTER_PREFIX}:${shard}:id`);
      context.note(
        `CLUSTER FAILOVER of the orders' shard 0: ${switched.oldPort} → ${switched.newPort}`,
      );
    },
  },
];
