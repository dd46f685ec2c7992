import type { Dependency } from '../../shared/infra/process/readiness.js';
import type {
  CreatedResource,
  CreatedResourceJob,
  CreatedResourceStore,
} from '../../shared/domain/resources/created-resource.js';
import type { Config } from '../../config/index.js';
import type { Route } from '../http/route-table.js';
import type { ServiceContext, ServiceModule } from '../service-module.js';
import { createdResourceRoutes } from './created-resource.routes.js';
import {
  createCreatedResourceService,
  type CreatedResourceDeps,
} from './created-resource.service.js';
import type { QueueShards, ShardedQueue } from '../../shared/infra/queues/sharded-queue.js';
import { KeyHeads } from '../../shared/infra/queues/key-heads.js';

/** What a created resource's service reads and writes through: both Redis and MySQL. */
export const CREATED_RESOURCE_DEPENDENCIES: readonly Dependency[] = [
  'redis_queue',
  'redis_cache',
  'mysql',
];

/**
 * What a created resource's service is built on. Its id counter is raised past
 * the ids MySQL holds before any write (and after every queue-Redis reconnect).
 */
export async function createdResourceDeps<
  K extends string,
  C,
  R,
  S extends CreatedResourceStore<R>,
>(
  resource: CreatedResource<K, C, R, S>,
  context: ServiceContext,
): Promise<CreatedResourceDeps<K, R, S>> {
  const store = resource.store(context.connections.mysql);
  await context.ids.keepAbove(resource.entity, () => store.maxId());
  return {
    // The descriptor names its queue; that queue carries exactly its jobs.
    queue: persistQueueOf(resource, context) as ShardedQueue<CreatedResourceJob<K, R>>,
    queueEvents: context.queueEvents(resource.queue),
    ids: context.ids,
    cache: context.cache,
    store,
    heads: new KeyHeads(context.connections.queueRedis, {
      prefix: context.config.queue.prefix,
      settledTtlMs: context.config.queue.headTtlMs,
    }),
  };
}

/** Its persist queue, and the replicate queue that queue's worker feeds: a stalled Mongo backs writes up too. */
export function createdResourceWriteQueues(
  resource: Pick<CreatedResource<string, unknown, unknown, never>, 'entity'>,
  context: ServiceContext,
): QueueShards[] {
  return [persistQueueOf(resource, context), context.queues.replicate];
}

/** The descriptor's persist queue among the process's producers (made from the same resource list). */
function persistQueueOf(
  resource: Pick<CreatedResource<string, unknown, unknown, never>, 'entity'>,
  context: ServiceContext,
): ShardedQueue<unknown> {
  const queue = context.queues.created[resource.entity];
  if (!queue) throw new Error(`no persist queue was made for ${resource.entity}`);
  return queue;
}

/** A service that is one created resource: its deps from the descriptor, its routes from its config. */
export function createdResourceModule<
  K extends string,
  C,
  R,
  S extends CreatedResourceStore<R>,
  Service,
>(module: {
  readonly name: ServiceModule['name'];
  readonly title: string;
  readonly resource: CreatedResource<K, C, R, S>;
  readonly service: (deps: CreatedResourceDeps<K, R, S>) => Service;
  readonly routes: (service: Service, config: Config) => Route[];
}): ServiceModule {
  return {
    name: module.name,
    title: module.title,
    dependencies: CREATED_RESOURCE_DEPENDENCIES,
    async build(context) {
      const service = module.service(await createdResourceDeps(module.resource, context));
      return {
        routes: module.routes(service, context.config),
        writeQueues: createdResourceWriteQueues(module.resource, context),
      };
    },
  };
}

/**
 * The service of a created resource that has only what every created resource
 * has: `GET /<entity>/:id`, `POST /<entity>` and `POST /<entity>/bulk`, all
 * made from its descriptor.
 */
export function plainCreatedResourceModule<K extends string, C, R extends { id: number }>(module: {
  readonly name: ServiceModule['name'];
  readonly title: string;
  readonly resource: CreatedResource<K, C, R, CreatedResourceStore<R>>;
}): ServiceModule {
  return createdResourceModule({
    ...module,
    service: (deps) => createCreatedResourceService(module.resource, deps),
    routes: (service, config) => {
      const generic = createdResourceRoutes(module.resource, service, {
        ...config.http,
        bulk: config.bulk,
      });
      const { getOne, create, bulk, update, remove } = generic;
      return [getOne, create, bulk, ...[update, remove].filter((r) => r !== undefined)];
    },
  });
}
