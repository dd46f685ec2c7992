import type Koa from 'koa';
import type { QueueShards } from '../shared/infra/queues/sharded-queue.js';
import { ShardCompletions } from '../shared/infra/queues/completion-listener.js';
import type { Config, HostedServiceName } from '../config/index.js';
import type { Connections } from '../shared/infra/process/connections.js';
import type { Logger } from '../shared/infra/telemetry/logger.js';
import { ReadThroughCache } from '../shared/infra/cache/read-through-cache.js';
import { IdAllocator } from '../shared/domain/ids/id-allocator.js';
import type { QueueName } from '../shared/infra/queues/queue-names.js';
import {
  closeQueues,
  createQueueEvents,
  queueList,
  readQueueDepth,
} from '../shared/infra/queues/queues.js';
import { createQueues } from '../shared/domain/resources/resource-queues.js';
import type { AnyCreatedResource } from '../shared/domain/resources/created-resource.js';
import {
  createMetrics,
  WATCHED_JOB_STATES,
  type Metrics,
} from '../shared/infra/telemetry/metrics/metrics.js';
import { QueueBacklog } from '../shared/infra/queues/queue-backlog.js';
import { readinessChecks, unionOf, type Dependency } from '../shared/infra/process/readiness.js';
import { createServiceApp, serviceOpenApi } from './http/create-service-app.js';
import type { RequestState } from './http/request-id.js';
import { operationsOf, routerOf, streamedPaths, untypedJsonPaths } from './http/route-table.js';
import { serviceGuards, type GuardSeams } from './http/service-guards.js';
import type { BuiltService, ServiceContext, ServiceModule } from './service-module.js';
import { SERVICE_MODULES } from './service-registry.js';

export interface ServiceApps {
  readonly apps: ReadonlyMap<HostedServiceName, Koa<RequestState>>;
  readonly metrics: Metrics;
  /** The producers of every queue (Bull Board lists them). */
  readonly queues: readonly QueueShards[];
  /** What this process uses, its built services together (the ops port's `/ready`). */
  readonly dependencies: readonly Dependency[];
  /** Each built service's OpenAPI document (also served by the ops port). */
  readonly documents: ReadonlyMap<HostedServiceName, object>;
  /** The app of one service; throws if this process did not build it. */
  app(name: HostedServiceName): Koa<RequestState>;
  /** Closes what the services opened, then the queue producers and event listeners. */
  close(): Promise<void>;
}

/** What a process's services are built with beyond config, connections and logger. */
export interface ServiceAppOptions {
  /** The services to build, of `modules`: all of them by default. */
  names?: readonly HostedServiceName[];
  metrics?: Metrics;
  /** The services this build has (api/service-registry.ts) unless a test brings its own. */
  modules?: readonly ServiceModule[];
  /** The created resources whose queues the services write to: this build's registry by default. */
  resources?: readonly AnyCreatedResource[];
  /** Where a test reaches into the guards; no product entry sets it. */
  seams?: GuardSeams;
}

/** One completion listener per queue per process, opened on first use (`Prefer: wait`). */
function completionListeners(config: Config, connections: Connections) {
  const listeners = new Map<QueueName, ShardCompletions>();
  return {
    of(queue: QueueName): ShardCompletions {
      let events = listeners.get(queue);
      if (!events) {
        events = new ShardCompletions((shard, lastEventId) =>
          createQueueEvents(config, connections.queueRedis, shard, lastEventId),
        );
        listeners.set(queue, events);
      }
      return events;
    },
    close: () => Promise.all([...listeners.values()].map((events) => events.close())),
  };
}

/** What every service is built from: the process's connections, producers, cache and id counters. */
function serviceContext(
  config: Config,
  connections: Connections,
  logger: Logger,
  parts: Pick<ServiceContext, 'metrics' | 'queues' | 'queueEvents'>,
): ServiceContext {
  const { metrics } = parts;
  return {
    ...parts,
    config,
    connections: { ...connections, queueRedis: connections.queueProducer },
    logger,
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
  };
}

/** One built service's Koa app and OpenAPI document: its routes behind the guards its config asks for. */
function serviceAppOf(
  module: ServiceModule,
  service: BuiltService,
  shared: {
    config: Config;
    connections: Connections;
    logger: Logger;
    metrics: Metrics;
    backlog: QueueBacklog;
    seams?: GuardSeams;
  },
): { app: Koa<RequestState>; document: object } {
  const { config, connections, logger, metrics, backlog, seams } = shared;
  const operations = operationsOf(service.routes);
  const guarded = {
    rawBodyPaths: streamedPaths(service.routes, 'raw'),
    bulkPaths: streamedPaths(service.routes, 'bulk'),
    writeQueues: service.writeQueues,
  };
  // A listener that faces the internet keeps /metrics and /ready behind the probe token.
  const edge = (config.edge.services as readonly HostedServiceName[]).includes(module.name)
    ? { token: config.edge.probeToken }
    : undefined;
  const app = createServiceApp({
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
    ...serviceGuards(module.name, guarded, { config, connections, backlog, logger, seams }),
  });
  return { app, document: serviceOpenApi({ title: module.title, operations, edge }) };
}

/** Builds the Koa app of each named service (all registered ones by default) on shared connections. */
export async function createServiceApps(
  config: Config,
  connections: Connections,
  logger: Logger,
  options: ServiceAppOptions = {},
): Promise<ServiceApps> {
  const registered = options.modules ?? SERVICE_MODULES;
  const names = options.names ?? registered.map((m) => m.name);
  // Handlers produce through the fail-fast connection (503 while Redis is down);
  // completion listeners keep the blocking one, which waits across a restart.
  const queues = createQueues(config, connections.queueProducer, options.resources);
  const modules = registered.filter((m) => names.includes(m.name));
  // The process's queue producers (and Bull Board on the ops port) use the queue Redis.
  const dependencies = unionOf(['redis_queue'], ...modules.map((m) => m.dependencies));
  const metrics =
    options.metrics ??
    createMetrics({
      process: 'api',
      queueDepth: () => readQueueDepth(queues, WATCHED_JOB_STATES),
      readiness: () => readinessChecks(connections, dependencies),
    });
  const listeners = completionListeners(config, connections);
  const context = serviceContext(config, connections, logger, {
    metrics,
    queues,
    queueEvents: (queue) => listeners.of(queue),
  });
  // One backlog cache per process: every service's writes share its counts.
  const backlog = new QueueBacklog(config.backpressure.checkIntervalMs);
  const apps = new Map<HostedServiceName, Koa<RequestState>>();
  const documents = new Map<HostedServiceName, object>();
  const built: BuiltService[] = [];
  for (const module of modules) {
    const service = await module.build(context);
    built.push(service);
    const { app, document } = serviceAppOf(module, service, {
      config,
      connections,
      logger,
      metrics,
      backlog,
      seams: options.seams,
    });
    apps.set(module.name, app);
    documents.set(module.name, document);
  }
  return {
    apps,
    dependencies,
    metrics,
    documents,
    queues: queueList(queues),
    app(name) {
      const app = apps.get(name);
      if (!app) throw new Error(`service ${name} was not built in this process`);
      return app;
    },
    close: async () => {
      await Promise.all(built.map((service) => service.close?.()));
      await listeners.close();
      await closeQueues(queues);
    },
  };
}
