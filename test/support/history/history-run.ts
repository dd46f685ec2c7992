import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../../shared/infra/process/connections.js';
import { resetStores } from '../stores.js';
import { testConfig } from '../test-config.js';
import { checkHistory, type StoredHistory } from './checker.js';
import type { Fault, FaultContext, FaultSetup } from './fault.js';
import { startClients } from './generator.js';
import type { CheckResult, HistoryOp } from './history.types.js';
import { launchPipeline, type HistoryPipeline } from './pipeline-launcher.js';
import { watchQueues, type QueueWatch } from './queue-watch.js';
import { Recorder } from './recorder.js';
import { RESOURCES } from './resources.catalogue.js';
import { SeededRandom } from './seeded-random.js';
import { settle } from './settle.js';

export interface RunOptions {
  readonly seed: number;
  readonly clients: number;
  readonly ratePerSecond: number;
  /** Writes acknowledged before the fault is injected. */
  readonly before: number;
  /** Writes acknowledged after it healed, before the clients stop. */
  readonly after: number;
  readonly maxOps: number;
  readonly requestTimeoutMs: number;
  /** The longest the pipeline may take to finish its work once the clients stopped. */
  readonly drainDeadlineMs: number;
}

export interface RunReport {
  readonly fault: string;
  readonly result: CheckResult;
  readonly notes: readonly string[];
  /** Answers by status (0: none came). */
  readonly statuses: Readonly<Record<string, number>>;
  readonly failedJobs: number;
  /** Jobs left in the queues when the drain ended (none unless it never converged). */
  readonly leftInQueues: Readonly<Record<string, Record<string, number>>>;
  readonly converged: boolean;
  readonly drainMs: number;
  readonly loadMs: number;
  /** Processes that exited on their own during the run, with the end of their output. */
  readonly crashed: readonly string[];
  /** What was checked: every request and answer, and what the stores held. */
  readonly history: { readonly ops: readonly HistoryOp[]; readonly stored: StoredHistory };
}

const NO_SETUP: FaultSetup = { env: {}, teardown: async () => undefined };

/**
 * One run of the history: the fault's stores, the pipeline's processes, the
 * clients' load with the fault injected and healed in the middle of it, the
 * drain, then the check of the recorded history against the stores. Every
 * process and store of the run is gone when it returns.
 */
export async function runHistory(
  fault: Fault,
  index: number,
  options: RunOptions,
): Promise<RunReport> {
  const setup = (await fault.setup?.()) ?? NO_SETUP;
  const config = testConfig(setup.env);
  let connections: Connections | undefined;
  let pipeline: HistoryPipeline | undefined;
  let queues: QueueWatch | undefined;
  try {
    connections = await openConnections(config);
    // This test's own connection sees a queue Redis restart too; it only reconnects.
    connections.queueRedis.on('error', () => undefined);
    await resetStores(connections, config);
    pipeline = await launchPipeline(setup.env, { workers: setup.workers ?? 1 });
    queues = watchQueues(config, connections);
    const recorder = new Recorder();
    const notes: string[] = [];
    const loadStarted = Date.now();
    const ops = await underLoad(fault, options, index, {
      pipeline,
      recorder,
      queues,
      setup,
      config,
      connections,
      notes,
    });
    const loadMs = Date.now() - loadStarted;
    const drained = await settle(RESOURCES, connections, queues, ops, options.drainDeadlineMs);
    return {
      fault: fault.name,
      result: checkHistory(
        RESOURCES.map((r) => r.model),
        ops,
        drained.stored,
      ),
      notes,
      statuses: recorder.statuses(),
      failedJobs: await queues.failed(),
      leftInQueues: await queues.counts(),
      converged: drained.converged,
      drainMs: drained.ms,
      loadMs,
      crashed: pipeline.crashed(),
      history: { ops, stored: drained.stored },
    };
  } finally {
    await pipeline?.destroy();
    await queues?.close().catch(() => undefined);
    if (connections) await closeConnections(connections);
    await setup.teardown();
  }
}

/** The clients' load, with the fault injected once it runs and healed before it ends. */
async function underLoad(
  fault: Fault,
  options: RunOptions,
  index: number,
  parts: Omit<FaultContext, 'answered' | 'note'> & { notes: string[] },
) {
  const { pipeline, recorder } = parts;
  const context: FaultContext = {
    ...parts,
    answered: (count, what) => recorder.untilAnswered(count, what),
    note: (line) => parts.notes.push(line),
  };
  const clients = startClients(
    {
      clients: options.clients,
      ratePerSecond: options.ratePerSecond,
      maxOps: options.maxOps,
      timeoutMs: options.requestTimeoutMs,
      tag: `${options.seed.toString(36)}${index}`,
    },
    RESOURCES,
    pipeline.urls,
    recorder,
    new SeededRandom(options.seed + index),
  );
  try {
    await recorder.untilAcknowledged(options.before, 'writes acknowledged before the fault');
    await fault.inject(context);
    await fault.heal?.(context);
    await recorder.untilAcknowledged(options.after, 'writes acknowledged after the fault');
  } catch (error) {
    const last = recorder.ops.slice(-5).map((op) => `${op.method} ${op.path} ${op.status}`);
    const seen = `answers by status ${JSON.stringify(recorder.statuses())}; the last: ${last}`;
    throw new Error(`${(error as Error).message} (${seen})`, { cause: error });
  } finally {
    await clients.stop();
  }
  return recorder.ops;
}
