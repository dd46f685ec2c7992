import type {
  CreatedResource,
  CreatedResourceJob,
  CreatedResourceStore,
} from '../../shared/domain/resources/created-resource.js';
import { compileValidator } from '../../shared/infra/validation/ajv.js';
import { batchingOf, type WorkerModule } from '../worker-module.js';
import { createPersistCommitter } from './persist-committer.js';
import { createPersistWriteProcessor } from './persist-write.processor.js';

/**
 * The persist worker of a created resource (users, listings, people): its jobs
 * group-committed to MySQL, then cache invalidation and change events.
 */
export function persistCreatedResourceModule<K extends string, C, R extends { id: number }>(
  resource: CreatedResource<K, C, R, CreatedResourceStore<R>>,
): WorkerModule {
  const { queue } = resource;
  return {
    name: `persist-${resource.entity}`,
    dependencies: ['mysql', 'redis_cache'],
    build({ config, connections, logger, cache, queues, hooks }) {
      const store = resource.store(connections.mysql);
      const committer = createPersistCommitter<R>({
        entity: resource.entity,
        upsertMany: (writes) => store.upsertVersions(writes),
        cache,
        changeEvents: queues.replicate,
        onBatch: (size) => hooks.onBatch?.(queue, size),
        ...batchingOf(config),
      });
      const processor = createPersistWriteProcessor<CreatedResourceJob<K, R>, R>({
        validate: compileValidator(resource.jobSchema),
        toWrite: (job) => ({
          requestId: job.requestId,
          version: job.version,
          resource: job[resource.resourceKey],
        }),
        committer,
        logger,
      });
      return [{ queue, processor, drain: () => committer.drain() }];
    },
  };
}
