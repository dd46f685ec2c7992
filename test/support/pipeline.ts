import type { Config, ServiceName } from '../../config/index.js';
import { createServiceApps, type ServiceApps } from '../../api/create-apps.js';
import { AVAILABLE_SERVICES } from '../../api/service-registry.js';
import { listen, type Listening } from '../../shared/infra/http/listen.js';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../shared/infra/process/connections.js';
import { createLogger } from '../../shared/infra/telemetry/logger.js';
import {
  createWorkers,
  type RunningWorkers,
  type WorkerHooks,
} from '../../workers/create-workers.js';
import { resetStores } from './stores.js';
import { testConfig } from './test-config.js';

export interface Pipeline {
  readonly config: Config;
  readonly connections: Connections;
  readonly apps: ServiceApps;
  readonly urls: {
    readonly users: string;
    readonly listings: string;
    readonly public: string;
    readonly customers: string;
    readonly orders: string;
    readonly people: string;
  };
  startWorkers(hooks?: WorkerHooks): RunningWorkers;
  stopWorkers(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole pipeline in this process, on the real test stores: the service
 * apps on free ports and (unless told otherwise) the workers. Stores are emptied first.
 * The public API is built last, pointed at the user and listing services' real URLs.
 */
export async function startPipeline(
  options: { workers?: boolean; config?: Record<string, string> } = {},
): Promise<Pipeline> {
  const config = testConfig(options.config);
  const logger = createLogger({ level: config.logLevel, name: 'test' });
  const connections = await openConnections(config);
  await resetStores(connections);
  const internal = AVAILABLE_SERVICES.filter((name) => name !== 'public');
  const serve = (built: ServiceApps, name: ServiceName): Promise<Listening> =>
    listen(built.app(name), config.services[name], config.httpServer);
  const apps: ServiceApps = await createServiceApps(config, connections, logger, {
    names: internal,
  });
  const users = await serve(apps, 'users');
  const listings = await serve(apps, 'listings');
  const customers = await serve(apps, 'customers');
  const publicConfig = testConfig({
    USERS_BASE_URL: users.url,
    LISTINGS_BASE_URL: listings.url,
    ...options.config,
  });
  const publicApps = await createServiceApps(publicConfig, connections, logger, {
    names: ['public'],
  });
  const publicApi = await serve(publicApps, 'public');
  const orders = await serve(apps, 'orders');
  const people = await serve(apps, 'people');
  let workers: RunningWorkers | undefined;
  const pipeline: Pipeline = {
    config,
    connections,
    apps,
    urls: {
      users: users.url,
      listings: listings.url,
      public: publicApi.url,
      customers: customers.url,
      orders: orders.url,
      people: people.url,
    },
    startWorkers(hooks) {
      workers = createWorkers(config, connections, logger, { hooks, metrics: apps.metrics });
      return workers;
    },
    async stopWorkers() {
      await workers?.close();
      workers = undefined;
    },
    async stop() {
      await pipeline.stopWorkers();
      await Promise.all([
        users.close(),
        listings.close(),
        customers.close(),
        publicApi.close(),
        orders.close(),
        people.close(),
      ]);
      await Promise.all([apps.close(), publicApps.close()]);
      await closeConnections(connections);
    },
  };
  if (options.workers !== false) pipeline.startWorkers();
  return pipeline;
}
