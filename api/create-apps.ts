import type Koa from 'koa';
import type { QueueEvents } from 'bullmq';
import type { Config, ServiceName } from '../config/index.js';
import type { Connections } from '../shared/connections.js';
import type { Logger } from '../shared/logger.js';
import { ReadThroughCache } from '../shared/cache/read-through-cache.js';
import { IdAllocator } from '../shared/ids.js';
import type { QueueName } from '../shared/jobs/queue-names.js';
import { closeQueues, createQueueEvents, createQueues } from '../shared/jobs/queues.js';
import { pingMysql } from '../shared/repositories/mysql-pool.repository.js';
import { pingMongo } from '../shared/repositories/mongo-connection.repository.js';
import { createServiceApp } from './http/create-service-app.js';
import type { RequestState } from './http/request-id.js';
import type { BuiltService, ServiceContext } from './service-module.js';
import { SERVICE_MODULES } from './service-registry.js';

export interface ServiceApps {
  readonly apps: ReadonlyMap<ServiceName, Koa<RequestState>>;
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
  names: readonly ServiceName[] = SERVICE_MODULES.map((m) => m.name),
): Promise<ServiceApps> {
  const queues = createQueues(config, connections.queueRedis);
  const listeners = new Map<QueueName, QueueEvents>();
  const context: ServiceContext = {
    config,
    connections,
    logger,
    cache: new ReadThroughCache(connections.cacheRedis, config.cache),
    ids: new IdAllocator(connections.queueRedis, config.queue.prefix),
    queues,
    queueEvents(queue) {
      let events = listeners.get(queue);
      if (!events) {
        events = createQueueEvents(config, connections.queueRedis, queue);
        listeners.set(queue, events);
      }
      return events;
    },
  };
  const readiness = {
    redis_queue: async () => void (await connections.queueRedis.ping()),
    redis_cache: async () => void (await connections.cacheRedis.ping()),
    mysql: () => pingMysql(connections.mysql),
    mongo: () => pingMongo(connections.mongo),
  };

  const apps = new Map<ServiceName, Koa<RequestState>>();
  const built: BuiltService[] = [];
  for (const module of SERVICE_MODULES.filter((m) => names.includes(m.name))) {
    const service = await module.build(context);
    built.push(service);
    apps.set(
      module.name,
      createServiceApp({
        logger: logger.child({ service: module.name }),
        routers: service.routers,
        rawBodyPaths: service.rawBodyPaths,
        readiness,
      }),
    );
  }
  return {
    apps,
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
