import type Koa from 'koa';
import type { QueueShards } from '../shared/jobs/sharded-queue.js';
import { ShardCompletions } from '../shared/jobs/completion-listener.js';
import type { Config, ServiceName } from '../config/index.js';
import type { Connections } from '../shared/connections.js';
import type { Logger } from '../shared/logger.js';
import { ReadThroughCache } from '../shared/cache/read-through-cache.js';
import { IdAllocator } from '../shared/ids.js';
import type { QueueName } from '../shared/jobs/queue-names.js';
import {
  closeQueues,
  createQueueEvents,
  createQueues,
  readQueueDepth,
} from '../shared/jobs/queues.js';
import { createMetrics, WATCHED_JOB_STATES, type Metrics } from '../shared/metrics/metrics.js';
import { QueueBacklog } from '../shared/jobs/queue-backlog.js';
import { readinessChecks, unionOf, type Dependency } from '../shared/readiness.js';
import { createServiceApp, serviceOpenApi } from './http/create-service-app.js';
import type { RequestState } from './http/request-id.js';
import { operationsOf, routerOf, streamedPaths, untypedJsonPaths } from './http/route-table.js';
import { serviceGuards } from './http/service-guards.js';
import type { BuiltService, ServiceContext } from './service-module.js';
import { SERVICE_MODULES } from './service-registry.js';

export interface ServiceApps {
  readonly apps: ReadonlyMap<ServiceName, Koa<RequestState>>;
  readonly metrics: Metrics;
  /** The producers of every queue (Bull Board lists them). */
  readonly queues: readonly QueueShards[];
  /** What this process uses, its built services together (the ops port's `/ready`). */
  readonly dependencies: readonly Dependency[];
  /** Each built service's OpenAPI document (also served by the ops port). */
  readonly documents: ReadonlyMap<ServiceName, object>;
  /** The app of one service; throws if this process did not build it. */
  app(name: ServiceName): Koa<RequestState>;
  /** Closes what the services opened, then the queue producers and event listeners. */
  close(): Promise<void>;
}

/** Builds the Koa app of each named service (all registered ones by default) on shared connections. */
export async function createServiceApps(
  config: Config,
  connections: Connections,
  logger: Logger,
  options: { names?: readonly ServiceName[]; metrics?: Metrics } = {},
): Promise<ServiceApps> {
  const names = options.names ?? SERVICE_MODULES.map((m) => m.name);
  // Handlers produce through the fail-fast connection (503 while Redis is down);
  // completion listeners keep the blocking one, which waits across a restart.
  const queues = createQueues(config, connections.queueProducer);
  const modules = SERVICE_MODULES.filter((m) => names.includes(m.name));
  // The process's queue producers (and Bull Board on the ops port) use the queue Redis.
  const dependencies = unionOf(['redis_queue'], ...modules.map((m) => m.dependencies));
  const metrics =
    options.metrics ??
    createMetrics({
      process: 'api',
      queueDepth: () => readQueueDepth(queues, WATCHED_JOB_STATES),
      readiness: () => readinessChecks(connections, dependencies),
    });
  const listeners = new Map<QueueName, ShardCompletions>();
  const context: ServiceContext = {
    config,
    connections: { ...connections, queueRedis: connections.queueProducer },
    logger,
    metrics,
    cache: new ReadThroughCache(connections.cacheRedis, {
      ...config.cache,
      onRead: (collection, hit) =>
        metrics.cacheReads.inc({ collection, result: hit ? 'hit' : 'miss' }),
    }),
    ids: new IdAllocator(connections.queueProducer, config.queue.prefix, {
      onRaiseFailed: (entity, error) =>
        logger.warn(
          { err: error, entity },
          'id counter not raised after a Redis reconnect; retrying',
        ),
    }),
    queues,
    queueEvents(queue) {
      let events = listeners.get(queue);
      if (!events) {
        events = new ShardCompletions((shard, lastEventId) =>
          createQueueEvents(config, connections.queueRedis, shard, lastEventId),
        );
        listeners.set(queue, events);
      }
      return events;
    },
  };
  // One backlog cache per process: every service's writes share its counts.
  const backlog = new QueueBacklog(config.backpressure.checkIntervalMs);

  const apps = new Map<ServiceName, Koa<RequestState>>();
  const documents = new Map<ServiceName, object>();
  const built: BuiltService[] = [];
  for (const module of modules) {
    const service = await module.build(context);
    built.push(service);
    const operations = operationsOf(service.routes);
    const guarded = {
      rawBodyPaths: streamedPaths(service.routes, 'raw'),
      bulkPaths: streamedPaths(service.routes, 'bulk'),
      writeQueues: service.writeQueues,
    };
    // A listener that faces the internet keeps /metrics and /ready behind the probe token.
    const edge = config.edge.services.includes(module.name)
      ? { token: config.edge.probeToken }
      : undefined;
    documents.set(module.name, serviceOpenApi({ title: module.title, operations, edge }));
    apps.set(
      module.name,
      createServiceApp({
        name: module.name,
        title: module.title,
        logger: logger.child({ service: module.name }),
        metrics,
        routers: [routerOf(service.routes)],
        operations,
        rawBodyPaths: [...guarded.rawBodyPaths, ...guarded.bulkPaths],
        shortRequestTimeoutMs: config.httpServer.shortRequestTimeoutMs,
        maxPageOffset: config.http.maxPageOffset,
        untypedJsonPaths: untypedJsonPaths(service.routes),
        readiness: readinessChecks(connections, module.dependencies),
        edge,
        bodyLimit: service.bodyLimit,
        trustProxy: config.rateLimit.trustProxy,
        cacheControlMaxAge: config.cache.controlMaxAgeSeconds,
        ...serviceGuards(module.name, guarded, { config, connections, backlog, logger }),
      }),
    );
  }
  return {
    apps,
    dependencies,
    metrics,
    documents,
    queues: Object.values(queues),
    app(name) {
      const app = apps.get(name);
      if (!app) throw new Error(`service ${name} was not built in this process`);
      return app;
    },
    close: async () => {
      await Promise.all(built.map((service) => service.close?.()));
      await Promise.all([...listeners.values()].map((events) => events.close()));
      await closeQueues(queues);
    },
  };
}
