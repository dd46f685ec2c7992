import type { RowDataPacket } from 'mysql2/promise';
import type { ResourceName } from '../../client/src/index.js';
import type { Connections } from '../../shared/infra/process/connections.js';
import { eventually } from './eventually.js';
import { freePort, runEntry, runNpmStart, untilHealthy, type RunningProcess } from './processes.js';
import { testEnv } from './test-config.js';

const PORTS = {
  users: 'USER_SERVICE_PORT',
  listings: 'LISTING_SERVICE_PORT',
  people: 'PEOPLE_SERVICE_PORT',
  customers: 'CUSTOMER_SERVICE_PORT',
  orders: 'ORDER_SERVICE_PORT',
} as const satisfies Record<ResourceName, string>;

/** `npm start` on free ports and this run's test stores, and where each service answers. */
export interface NpmStarted {
  readonly process: RunningProcess;
  readonly services: Record<ResourceName, string>;
  /** The public API's origin (`http://127.0.0.1:PORT`). */
  readonly publicOrigin: string;
}

/**
 * Runs `npm start` as a user does (every API, the workers, cron, the demo
 * seed), on free ports and the test slot's stores, so it collides with no
 * one's development instance; resolves once it printed its URLs.
 */
export async function startNpmStart(): Promise<NpmStarted> {
  const ports: Record<string, string> = {};
  for (const name of [
    ...Object.values(PORTS),
    'PUBLIC_API_PORT',
    'OPS_PORT',
    'WORKER_OPS_PORT',
    'CRON_OPS_PORT',
  ]) {
    ports[name] = String(await freePort());
  }
  const started = runNpmStart(testEnv({ ...ports, LOG_LEVEL: 'warn' }));
  await eventually(
    async () => (started.output().includes('Spillway is running:') ? true : undefined),
    {
      timeoutMs: 200_000,
      intervalMs: 250,
      what: `npm start to print its URLs\n${started.output().slice(-3000)}`,
    },
  );
  const at = (name: string) => `http://127.0.0.1:${ports[name]}`;
  const services = Object.fromEntries(
    Object.entries(PORTS).map(([resource, name]) => [resource, at(name)]),
  ) as Record<ResourceName, string>;
  for (const url of [...Object.values(services), at('PUBLIC_API_PORT')]) {
    await untilHealthy(url, { what: `${url} (npm start)\n${started.output().slice(-3000)}` });
  }
  return { process: started, services, publicOrigin: at('PUBLIC_API_PORT') };
}

/** A listing-service process of its own (the API entry npm start runs), killable and restartable. */
export interface ListingsApi {
  readonly url: string;
  /** SIGKILL: no drain, no answer for what it holds. */
  kill(): Promise<void>;
  /** Starts it again on the same port, with the same environment. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `api/main.ts --service listings` on a free port, writing to the test slot's queues. */
export async function startListingsApi(env: Record<string, string> = {}): Promise<ListingsApi> {
  const port = String(await freePort());
  const url = `http://127.0.0.1:${port}`;
  const environment = testEnv({ LISTING_SERVICE_PORT: port, LOG_LEVEL: 'warn', ...env });
  let running: RunningProcess;
  const start = async () => {
    running = runEntry('api/main.ts', ['--service', 'listings'], environment);
    await untilHealthy(url, { timeoutMs: 60_000, what: `${url}\n${running.output()}` });
  };
  await start();
  return {
    url,
    kill: async () => void (await running.stop('SIGKILL')),
    restart: start,
    stop: async () => void (await running.stop('SIGTERM')),
  };
}

/** A `user_id` no other test uses: the listing service takes any, so it marks one run's listings. */
export function uniqueUserId(): number {
  return 900_000_000 + Math.floor(Math.random() * 90_000_000);
}

/** The ids stored in MySQL for each price among `userId`'s listings (a price marks one item). */
export async function storedByPrice(
  connections: Connections,
  userId: number,
): Promise<Map<number, number[]>> {
  const [rows] = await connections.mysql.query<RowDataPacket[]>(
    'SELECT id, price FROM listings WHERE user_id = ?',
    [userId],
  );
  const byPrice = new Map<number, number[]>();
  for (const row of rows) {
    const price = Number(row.price);
    byPrice.set(price, [...(byPrice.get(price) ?? []), Number(row.id)]);
  }
  return byPrice;
}

/** How many listings `userId` has in MySQL. */
export async function countListings(connections: Connections, userId: number): Promise<number> {
  const [rows] = await connections.mysql.query<RowDataPacket[]>(
    'SELECT COUNT(*) AS n FROM listings WHERE user_id = ?',
    [userId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Resolves once `userId` has at least `atLeast` listings and the count held still for `quietMs`. */
export async function settledListingCount(
  connections: Connections,
  userId: number,
  atLeast: number,
  quietMs = 2_000,
): Promise<number> {
  let last = -1;
  let since = Date.now();
  return eventually(
    async () => {
      const count = await countListings(connections, userId);
      if (count !== last) {
        last = count;
        since = Date.now();
      }
      return count >= atLeast && Date.now() - since >= quietMs ? count : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 250, what: `${atLeast} listings of user ${userId} in MySQL` },
  );
}
