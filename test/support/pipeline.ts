import type { Config } from '../../config/index.js';
import { createServiceApps, type ServiceApps } from '../../api/create-apps.js';
import { listen, type Listening } from '../../api/listen.js';
import { closeConnections, openConnections, type Connections } from '../../shared/connections.js';
import { createLogger } from '../../shared/logger.js';
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
  readonly urls: { readonly users: string; readonly listings: string; readonly people: string };
  startWorkers(hooks?: WorkerHooks): RunningWorkers;
  stopWorkers(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole pipeline in this process, on the real test stores: both service
 * apps on free ports and (unless told otherwise) the workers. Stores are emptied first.
 */
export async function startPipeline(
  options: { workers?: boolean; config?: Record<string, string> } = {},
): Promise<Pipeline> {
  const config = testConfig(options.config);
  const logger = createLogger({ level: config.logLevel, name: 'test' });
  const connections = await openConnections(config);
  await resetStores(connections);
  const apps: ServiceApps = await createServiceApps(config, connections, logger);
  const users: Listening = await listen(apps.app('users'), config.services.users);
  const listings: Listening = await listen(apps.app('listings'), config.services.listings);
  const people: Listening = await listen(apps.app('people'), config.services.people);
  let workers: RunningWorkers | undefined;
  const pipeline: Pipeline = {
    config,
    connections,
    urls: { users: users.url, listings: listings.url, people: people.url },
    startWorkers(hooks) {
      workers = createWorkers(config, connections, logger, hooks);
      return workers;
    },
    async stopWorkers() {
      await workers?.close();
      workers = undefined;
    },
    async stop() {
      await pipeline.stopWorkers();
      await Promise.all([users.close(), listings.close(), people.close()]);
      await apps.close();
      await closeConnections(connections);
    },
  };
  if (options.workers !== false) pipeline.startWorkers();
  return pipeline;
}
