import { fileURLToPath } from 'node:url';
import { addedService } from '../../config/index.js';
import { createServiceApps, type ServiceApps } from '../../api/create-apps.js';
import { plainCreatedResourceModule } from '../../api/resources/created-resource.module.js';
import { listen, type Listening } from '../../shared/infra/http/listen.js';
import { createLogger } from '../../shared/infra/telemetry/logger.js';
import { applyMigrations } from '../../shared/domain/repositories/schema-migrations.repository.js';
import { CREATED_RESOURCES } from '../../shared/domain/resources/registry.js';
import {
  createWorkers,
  type RunningWorkers,
  type WorkerOptions,
} from '../../workers/create-workers.js';
import { boatsResource } from '../fixtures/boats/boats.resource.js';
import type { Pipeline } from './pipeline.js';

const BOATS_MIGRATIONS = fileURLToPath(new URL('../fixtures/boats/', import.meta.url));

/** The boats service, listening, and how to start workers for boats and their replication. */
export interface BoatsService {
  readonly apps: ServiceApps;
  readonly listening: Listening;
  readonly url: string;
  /** Workers for `persist-boats` and `replicate`, from the same resource list. */
  startWorkers(hooks?: WorkerOptions['hooks']): RunningWorkers;
  close(): Promise<void>;
}

/**
 * docs/architecture.md's recipe, done by a test: `boats` (a resource only the
 * tests have) is its descriptor and its migrations; its service and workers
 * are made from this build's registry plus that descriptor, and the service
 * listens on a port of the test's choosing. Starts from empty boats stores.
 */
export async function startBoatsService(pipeline: Pipeline, name: string): Promise<BoatsService> {
  const { config, connections } = pipeline;
  await applyMigrations(config.mysql.url, BOATS_MIGRATIONS);
  await connections.mysql.query('DELETE FROM boats');
  await connections.mongo.db!.collection('boats').deleteMany({});
  const resources = [...CREATED_RESOURCES, boatsResource];
  const logger = createLogger({ level: config.logLevel, name });
  const boatsModule = plainCreatedResourceModule({
    // A service this build's config does not list: it is served on a port of the test's choosing.
    name: addedService('boats'),
    title: 'Boats (a resource only the tests have)',
    resource: boatsResource,
  });
  const apps = await createServiceApps(config, connections, logger, {
    modules: [boatsModule],
    resources,
  });
  const listening = await listen(
    apps.app(boatsModule.name),
    { host: '127.0.0.1', port: 0 },
    config.httpServer,
  );
  const workerConfig = {
    ...config,
    worker: { ...config.worker, queues: [boatsResource.queue, 'replicate'] },
  };
  return {
    apps,
    listening,
    url: listening.url,
    startWorkers: (hooks) => createWorkers(workerConfig, connections, logger, { resources, hooks }),
    async close() {
      await listening.close();
      await apps.close();
    },
  };
}
