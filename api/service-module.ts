import type Router from '@koa/router';
import type { QueueEvents } from 'bullmq';
import type { Config, ServiceName } from '../config/index.js';
import type { ReadThroughCache } from '../shared/cache/read-through-cache.js';
import type { Connections } from '../shared/connections.js';
import type { IdAllocator } from '../shared/ids.js';
import type { QueueName } from '../shared/jobs/queue-names.js';
import type { SpillwayQueues } from '../shared/jobs/queues.js';
import type { Logger } from '../shared/logger.js';
import type { RequestState } from './http/request-id.js';

/** What every service is built from: shared connections, producers and the cache. */
export interface ServiceContext {
  readonly config: Config;
  readonly connections: Connections;
  readonly logger: Logger;
  readonly cache: ReadThroughCache;
  readonly ids: IdAllocator;
  readonly queues: SpillwayQueues;
  /** Completion events of one queue (for `Prefer: wait`); one listener per queue per process. */
  queueEvents(queue: QueueName): QueueEvents;
}

export interface BuiltService {
  readonly routers: readonly Router<RequestState>[];
  /** Paths whose route streams the request body itself; the shared body parser skips them. */
  readonly rawBodyPaths?: readonly string[];
  /** Releases what the service opened itself (clients, timers). */
  close?(): Promise<void>;
}

/** One HTTP service of Spillway: a name (its port comes from config) and how to build its routes. */
export interface ServiceModule {
  readonly name: ServiceName;
  build(context: ServiceContext): Promise<BuiltService>;
}
