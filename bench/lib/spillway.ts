import { readFile } from 'node:fs/promises';
import { benchEnv } from './stores.js';
import { freePort, runChild, waitForHttp, type Child } from './child.js';
import { API_ENTRY, API_NODE_ARGS, WORKERS_ENTRY, WORKERS_NODE_ARGS } from './build.js';

/** A running Spillway API process (listings + users) and where to reach it. */
export interface RunningApi {
  readonly child: Child;
  readonly listingsUrl: string;
  readonly usersUrl: string;
}

/** Starts the real API (compiled, see build.ts) as a child process with the listing and user services. */
export async function startApi(
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
  /** Another checkout's API entry (A/B runs of two versions side by side). */
  entry = API_ENTRY,
): Promise<RunningApi> {
  const [listingsPort, usersPort] = [await freePort(), await freePort()];
  const child = runChild(
    entry,
    ['--service', 'listings,users'],
    benchEnv({
      LISTING_SERVICE_PORT: String(listingsPort),
      USER_SERVICE_PORT: String(usersPort),
      ...env,
    }),
    [...API_NODE_ARGS, ...nodeArgs],
  );
  const listingsUrl = `http://127.0.0.1:${listingsPort}`;
  const usersUrl = `http://127.0.0.1:${usersPort}`;
  try {
    // Generous: on a busy 2-core machine a tsx child can take long to start.
    await waitForHttp(`${listingsUrl}/ready`, child, 120_000);
    await waitForHttp(`${usersUrl}/ready`, child, 120_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { child, listingsUrl, usersUrl };
}

/** Starts the real workers (compiled); resolves once it has logged that its workers run. */
export async function startWorkers(
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
  /** Another checkout's workers entry (A/B runs of two versions side by side). */
  entry = WORKERS_ENTRY,
): Promise<Child> {
  const child = runChild(entry, [], benchEnv({ LOG_LEVEL: 'info', ...env }), [
    ...WORKERS_NODE_ARGS,
    ...nodeArgs,
  ]);
  try {
    await child.waitForLine(/workers started/, 120_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return child;
}

/** Resident set size now and its high-water mark, in MB, from /proc. */
export async function readRss(pid: number): Promise<{ rssMb: number; hwmMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}
