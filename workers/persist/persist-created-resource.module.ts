import type {
  AnyCreatedResource,
  CreatedResource,
  CreatedResourceJob,
  CreatedResourceStore,
} from '../../shared/domain/resources/created-resource.js';
import { compileValidator } from '../../shared/infra/validation/ajv.js';
import { batchingOf, type WorkerModule } from '../worker-module.js';
import { createPersistCommitter } from './persist-committer.js';
import { createPersistWriteProcessor, type KeyOrder } from './persist-write.processor.js';
import { KeyHeads } from '../../shared/infra/queues/key-heads.js';
import { createQueue } from '../../shared/domain/resources/resource-queues.js';
import type { WorkerContext } from '../worker-module.js';

/** The heads and queue a resource that takes updates keeps its keys' order with (§9). */
function keyOrderOf(resource: AnyCreatedResource, context: WorkerContext): KeyOrder {
  const { config, connections } = context;
  return {
    entity: resource.entity,
    heads: new KeyHeads(connections.queueRedis, {
      prefix: config.queue.prefix,
      settledTtlMs: config.queue.headTtlMs,
    }),
    jobs: createQueue(config, connections.queueRedis, resource.queue, context.resources),
  };
}

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
    build(context) {
      const { config, connections, logger, cache, queues, hooks } = context;
      const store = resource.store(connections.mysql);
      const committer = createPersistCommitter<R>({
        entity: resource.entity,
        upsertMany: (writes) => store.upsertVersions(writes),
        ...(resource.changes && { applyInOrder: (writes) => store.applyInOrder(writes) }),
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
          ...(job.before && { before: job.before }),
          ...(job.deleted && { deleted: true }),
        }),
        committer,
        logger,
        ...(resource.changes && { keyOrder: keyOrderOf(resource, context) }),
      });
      return [{ queue, processor, drain: () => committer.drain() }];
    },
  };
}
