import type { Config, HostedServiceName } from '../config/index.js';
import type { ReadThroughCache } from '../shared/infra/cache/read-through-cache.js';
import type { Connections } from '../shared/infra/process/connections.js';
import type { IdAllocator } from '../shared/domain/ids/id-allocator.js';
import type { QueueName } from '../shared/infra/queues/queue-names.js';
import type { SpillwayQueues } from '../shared/domain/resources/resource-queues.js';
import type { Logger } from '../shared/infra/telemetry/logger.js';
import type { Metrics } from '../shared/infra/telemetry/metrics/metrics.js';
import type { Dependency } from '../shared/infra/process/readiness.js';
import type { Route } from './http/route-table.js';
import type { ShardCompletions } from '../shared/infra/queues/completion-listener.js';
import type { BacklogSource } from '../shared/infra/queues/queue-backlog.js';

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
  queueEvents(queue: QueueName): ShardCompletions;
}

export interface BuiltService {
  /**
   * Every route, declared once: its router, validation and OpenAPI operation,
   * and which paths stream their body, are all made from this table.
   */
  readonly routes: readonly Route[];
  /** Body size limit, when the service takes larger bodies than the default 64 kB. */
  readonly bodyLimit?: string;
  /**
   * The queues its writes land on and every queue their jobs feed on the way
   * (replicate, notify): backpressure refuses writes while one is backlogged,
   * so a stalled downstream store cannot grow Redis without bound.
   */
  readonly writeQueues?: readonly BacklogSource[];
  /** Releases what the service opened itself (clients, timers). */
  close?(): Promise<void>;
}

/** One HTTP service of Spillway: a name (its port comes from config) and how to build its routes. */
export interface ServiceModule {
  readonly name: HostedServiceName;
  /** Title of its API documentation. */
  readonly title: string;
  /** The connections it uses, and so what its `/ready` checks. */
  readonly dependencies: readonly Dependency[];
  build(context: ServiceContext): Promise<BuiltService>;
}
