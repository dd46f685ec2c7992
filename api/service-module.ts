import type Router from '@koa/router';
import type { Queue } from 'bullmq';
import type { Config, ServiceName } from '../config/index.js';
import type { ReadThroughCache } from '../shared/cache/read-through-cache.js';
import type { Connections } from '../shared/connections.js';
import type { IdAllocator } from '../shared/ids.js';
import type { QueueName } from '../shared/jobs/queue-names.js';
import type { SpillwayQueues } from '../shared/jobs/queues.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics/metrics.js';
import type { OperationDoc } from '../shared/openapi/openapi-document.js';
import type { RequestState } from './http/request-id.js';
import type { CompletionListener } from '../shared/jobs/completion-listener.js';

/** What every service is built from: shared connections, producers and the cache. */
export interface ServiceContext {
  readonly config: Config;
  readonly connections: Connections;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly cache: ReadThroughCache;
  readonly ids: IdAllocator;
  readonly queues: SpillwayQueues;
  /** Completion events of one queue (for `Prefer: wait`); one listener per queue per process. */
  queueEvents(queue: QueueName): CompletionListener;
}

export interface BuiltService {
  readonly routers: readonly Router<RequestState>[];
  /** Every route of `routers`, documented (a test checks both ways). */
  readonly operations: readonly OperationDoc[];
  /** Body size limit, when the service takes larger bodies than the default 64 kB. */
  readonly bodyLimit?: string;
  /** Paths whose route streams the request body itself; the shared body parser skips them. */
  readonly rawBodyPaths?: readonly string[];
  /**
   * Bulk intake routes (§7): streamed like raw bodies, fingerprinted as they
   * stream for Idempotency-Key, and their items (not requests) are counted by
   * the rate limit and backpressure.
   */
  readonly bulkPaths?: readonly string[];
  /** The queues its writes land on; backpressure refuses writes while one is backlogged. */
  readonly writeQueues?: readonly Queue[];
  /** Releases what the service opened itself (clients, timers). */
  close?(): Promise<void>;
}

/** One HTTP service of Spillway: a name (its port comes from config) and how to build its routes. */
export interface ServiceModule {
  readonly name: ServiceName;
  /** Title of its API documentation. */
  readonly title: string;
  build(context: ServiceContext): Promise<BuiltService>;
}
