import { expect } from 'chai';
import { freePort, runEntry, type RunningProcess, untilHealthy } from './processes.js';
import { testEnv } from './test-config.js';

/**
 * Real processes for the chaos suite: one API process serving users and
 * listings, and any number of worker processes, all on the given stores.
 */
export interface ChaosCluster {
  readonly usersUrl: string;
  readonly listingsUrl: string;
  readonly api: RunningProcess;
  readonly workers: RunningProcess[];
  /** Spawns one more worker process. */
  startWorker(): RunningProcess;
  /** Stops everything still running (SIGKILL: the test is over). */
  destroy(): Promise<void>;
  /** Fails unless every process that should still run is running (none crashed). */
  expectAlive(): void;
}

export async function startChaosCluster(
  overrides: Record<string, string>,
  options: { workers?: number } = {},
): Promise<ChaosCluster> {
  const [usersPort, listingsPort] = [await freePort(), await freePort()];
  const env = testEnv({
    USER_SERVICE_PORT: String(usersPort),
    LISTING_SERVICE_PORT: String(listingsPort),
    LOG_LEVEL: 'warn',
    // Retries fast and often enough to outlast a 10 s outage (sum of backoffs > 100 s).
    JOB_BACKOFF_MS: '200',
    JOB_ATTEMPTS: '12',
    SHUTDOWN_TIMEOUT_MS: '10000',
    ...overrides,
  });
  const all: RunningProcess[] = [];
  const killed = new Set<RunningProcess>();
  const api = runEntry('api/main.ts', ['--service', 'users,listings'], env);
  all.push(api);
  const workers: RunningProcess[] = [];
  const startWorker = () => {
    const worker = runEntry('workers/main.ts', [], env);
    const stop = worker.stop.bind(worker);
    const tracked: RunningProcess = {
      ...worker,
      stop: (signal) => {
        killed.add(tracked);
        return stop(signal);
      },
    };
    all.push(tracked);
    workers.push(tracked);
    return tracked;
  };
  for (let i = 0; i < (options.workers ?? 1); i += 1) startWorker();
  const usersUrl = `http://127.0.0.1:${usersPort}`;
  const listingsUrl = `http://127.0.0.1:${listingsPort}`;
  for (const url of [usersUrl, listingsUrl]) {
    await untilHealthy(url, { timeoutMs: 30_000, what: `the API to listen at ${url}` });
  }
  return {
    usersUrl,
    listingsUrl,
    api,
    workers,
    startWorker,
    async destroy() {
      await Promise.all(all.map((p) => p.stop('SIGKILL')));
    },
    expectAlive() {
      for (const p of all) {
        if (killed.has(p)) continue;
        expect(p.child.exitCode, `a process exited on its own:\n${p.output()}`).to.equal(null);
      }
    },
  };
}
