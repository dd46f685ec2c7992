import type Koa from 'koa';
import type { Config, ServiceName } from '../config/index.js';
import type { Connections } from '../shared/connections.js';
import type { Logger } from '../shared/logger.js';
import { ReadThroughCache } from '../shared/cache/read-through-cache.js';
import { IdAllocator } from '../shared/ids.js';
import { closeQueues, createPersistQueueEvents, createQueues } from '../shared/jobs/queues.js';
import { UserRepository } from '../shared/repositories/user.repository.js';
import { ListingRepository } from '../shared/repositories/listing.repository.js';
import { pingMysql } from '../shared/repositories/mysql-pool.repository.js';
import { pingMongo } from '../shared/repositories/mongo-connection.repository.js';
import { createServiceApp } from './http/create-service-app.js';
import type { RequestState } from './http/request-id.js';
import { createUserService } from './users/users.service.js';
import { userRoutes } from './users/users.routes.js';
import { createListingService } from './listings/listings.service.js';
import { listingRoutes } from './listings/listings.routes.js';

export interface ServiceApps {
  readonly apps: Readonly<Record<ServiceName, Koa<RequestState>>>;
  /** Closes the queue producers and event listeners the apps use. */
  close(): Promise<void>;
}

/**
 * Builds every service's Koa app on shared connections. Before the first
 * write, id counters are raised past the ids MySQL already holds.
 */
export async function createServiceApps(
  config: Config,
  connections: Connections,
  logger: Logger,
): Promise<ServiceApps> {
  const cache = new ReadThroughCache(connections.cacheRedis, config.cache);
  const ids = new IdAllocator(connections.queueRedis, config.queue.prefix);
  const queues = createQueues(config, connections.queueRedis);
  const queueEvents = createPersistQueueEvents(config, connections.queueRedis);
  const users = new UserRepository(connections.mysql);
  const listings = new ListingRepository(connections.mysql);
  await ids.ensureAbove('users', await users.maxId());
  await ids.ensureAbove('listings', await listings.maxId());

  const readiness = {
    redis_queue: async () => void (await connections.queueRedis.ping()),
    redis_cache: async () => void (await connections.cacheRedis.ping()),
    mysql: () => pingMysql(connections.mysql),
    mongo: () => pingMongo(connections.mongo),
  };
  const http = { preferWaitMaxSeconds: config.http.preferWaitMaxSeconds };
  const userService = createUserService({
    queue: queues.persistUsers,
    queueEvents: queueEvents.users,
    ids,
    cache,
    users,
  });
  const listingService = createListingService({
    queue: queues.persistListings,
    queueEvents: queueEvents.listings,
    ids,
    cache,
    listings,
  });
  const apps = {
    users: createServiceApp({
      logger: logger.child({ service: 'users' }),
      routers: [userRoutes(userService, http)],
      readiness,
    }),
    listings: createServiceApp({
      logger: logger.child({ service: 'listings' }),
      routers: [listingRoutes(listingService, http)],
      readiness,
    }),
  };
  return {
    apps,
    close: async () => {
      await Promise.all([queueEvents.users.close(), queueEvents.listings.close()]);
      await closeQueues(queues);
    },
  };
}
