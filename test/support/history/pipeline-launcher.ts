import { QUEUE_NAMES } from '../../../shared/infra/queues/queue-names.js';
import { freePort, runEntry, type RunningProcess, untilHealthy } from '../processes.js';
import { testEnv } from '../test-config.js';

/** The services the history's clients write to, as `--service` names them. */
export const HISTORY_SERVICES = ['users', 'listings', 'customers', 'orders', 'people'] as const;
export type HistoryService = (typeof HISTORY_SERVICES)[number];

const PORT_VARIABLES: Record<HistoryService, string> = {
  users: 'USER_SERVICE_PORT',
  listings: 'LISTING_SERVICE_PORT',
  customers: 'CUSTOMER_SERVICE_PORT',
  orders: 'ORDER_SERVICE_PORT',
  people: 'PEOPLE_SERVICE_PORT',
};

/**
 * The settings every history run starts its processes with; a fault's own
 * settings (its stores, a shorter lock) are laid over them.
 */
const RUN_SETTINGS: Record<string, string> = {
  LOG_LEVEL: 'warn',
  // Retries fast and often enough to outlast a store outage of several seconds.
  JOB_BACKOFF_MS: '200',
  JOB_ATTEMPTS: '12',
  // A killed or frozen worker's jobs come back after 10 s; much shorter locks lapse
  // on a starved 2-core CPU and fail jobs as stalled (see test/chaos/worker-crash.test.ts).
  WORKER_LOCK_MS: '10000',
  // A change event that missed its queue is published again within half a second.
  OUTBOX_RELAY_INTERVAL_MS: '500',
  // A legacy PUT answers once persisted or after 2 s, so an outage does not stall a client for long.
  ORDER_LEGACY_WAIT_SECONDS: '2',
  SHUTDOWN_TIMEOUT_MS: '10000',
  // Change e-mails are not part of any store, and no SMTP server listens here: their
  // failing retries would only take CPU from the 2 cores the history runs on.
  WORKER_QUEUES: Object.values(QUEUE_NAMES)
    .filter((queue) => queue !== QUEUE_NAMES.notify)
    .join(','),
};

/** Real processes: one API process serving every written service, and worker processes. */
export interface HistoryPipeline {
  readonly urls: Readonly<Record<HistoryService, string>>;
  readonly api: RunningProcess;
  /** Worker processes started so far, the stopped ones included. */
  readonly workers: RunningProcess[];
  startWorker(): RunningProcess;
  /** The processes a fault stopped on purpose, so `expectAlive` leaves them out. */
  markStopped(process: RunningProcess): void;
  /** Processes that exited although no fault stopped them (crashed), with their output. */
  crashed(): string[];
  destroy(): Promise<void>;
}

/**
 * Starts `api/main.ts --service users,listings,customers,orders,people` and
 * `workers` worker processes on this test run's stores, with `overrides`
 * (a fault's stores and settings) laid over the run's settings.
 */
export async function launchPipeline(
  overrides: Record<string, string>,
  options: { workers: number },
): Promise<HistoryPipeline> {
  const ports = await Promise.all(HISTORY_SERVICES.map(() => freePort()));
  const portEnv = Object.fromEntries(
    HISTORY_SERVICES.map((service, i) => [PORT_VARIABLES[service], String(ports[i])]),
  );
  const env = testEnv({ ...RUN_SETTINGS, ...portEnv, ...overrides });
  const api = runEntry('api/main.ts', ['--service', HISTORY_SERVICES.join(',')], env);
  const workers: RunningProcess[] = [];
  const stopped = new Set<RunningProcess>();
  const startWorker = () => {
    const worker = runEntry('workers/main.ts', [], env);
    workers.push(worker);
    return worker;
  };
  for (let i = 0; i < options.workers; i += 1) startWorker();
  const urls = Object.fromEntries(
    HISTORY_SERVICES.map((service, i) => [service, `http://127.0.0.1:${ports[i]}`]),
  ) as Record<HistoryService, string>;
  const all = () => [api, ...workers];
  try {
    for (const url of Object.values(urls)) {
      await untilHealthy(url, { timeoutMs: 60_000, what: `the API to listen at ${url}` });
    }
  } catch (error) {
    await Promise.all(all().map((p) => p.stop('SIGKILL')));
    throw new Error(`${(error as Error).message}\n${api.output().slice(-3000)}`);
  }
  return {
    urls,
    api,
    workers,
    startWorker,
    markStopped: (process) => stopped.add(process),
    crashed: () =>
      all()
        .filter((p) => !stopped.has(p) && p.child.exitCode !== null)
        .map((p) => `exit ${p.child.exitCode}:\n${p.output().slice(-3000)}`),
    async destroy() {
      await Promise.all(all().map((p) => p.stop('SIGKILL')));
    },
  };
}
