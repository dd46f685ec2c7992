import type { Middleware } from 'koa';
import { INTERNAL_SERVICES, type Config, type HostedServiceName } from '../../config/index.js';
import type { Connections } from '../../shared/infra/process/connections.js';
import { IdempotencyStore } from '../../shared/infra/idempotency/idempotency-store.js';
import type { QueueBacklog } from '../../shared/infra/queues/queue-backlog.js';
import type { Logger } from '../../shared/infra/telemetry/logger.js';
import { SyncedRateLimiter } from '../../shared/infra/rate-limit/synced-rate-limiter.js';
import { backpressure } from './backpressure.js';
import { idempotency, type IdempotencyOptions } from './idempotency.js';
import { rateLimit } from './rate-limit.js';
import type { RequestState } from './request-id.js';
import { requireServiceToken } from './service-token.js';
import type { BacklogSource } from '../../shared/infra/queues/queue-backlog.js';

const MINUTE_MS = 60_000;

/** What the guards need to know of a service's routes and queues. */
export interface GuardedService {
  /** Paths whose route streams its own body (not fingerprinted for Idempotency-Key). */
  readonly rawBodyPaths: readonly string[];
  /** Bulk intake paths: fingerprinted as they stream; items, not requests, are counted. */
  readonly bulkPaths: readonly string[];
  /** The queues its writes land on or feed; backpressure refuses writes while one is backlogged. */
  readonly writeQueues?: readonly BacklogSource[];
}

export interface ServiceGuards {
  readonly beforeBody: Middleware<RequestState>[];
  readonly afterBody: Middleware<RequestState>[];
}

/**
 * Where a test reaches into the guards (never set by a product entry): the
 * chaos test's API process kills itself after a keyed write was enqueued and
 * before its answer is stored (test/support/entries/dying-api.ts).
 */
export interface GuardSeams {
  readonly idempotency?: Pick<IdempotencyOptions, 'beforeAnswerStored' | 'afterFirstBulkChunk'>;
}

/** What every service's guards share in one process. */
interface GuardDeps {
  readonly config: Config;
  readonly connections: Connections;
  readonly backlog: QueueBacklog;
  readonly logger?: Logger;
  readonly seams?: GuardSeams;
}

/**
 * The service's rate limit (per minute: the public API counts every request,
 * the others their writes), or none when its limit is 0.
 */
function rateLimitGuard(
  name: HostedServiceName,
  countedPaths: ReadonlySet<string>,
  { config, connections, logger }: GuardDeps,
): Middleware<RequestState> | undefined {
  const isPublic = name === 'public';
  const limit = isPublic ? config.rateLimit.publicPerMinute : config.rateLimit.writesPerMinute;
  if (limit <= 0) return undefined;
  // Counted in the process, shared through the cache Redis in the background:
  // budgets are disposable, and no request waits on a round trip for one.
  const limiter = new SyncedRateLimiter(connections.cacheRedis, {
    prefix: config.cache.prefix,
    scope: name,
    limit,
    periodMs: MINUTE_MS,
    onSyncFailure: (error) =>
      logger?.warn(
        { err: error, service: name },
        'rate limit budgets not shared (cache Redis unreachable); each process counts alone',
      ),
  });
  return rateLimit({
    limiter,
    limit,
    applies: isPublic ? 'all' : 'writes',
    bulkPaths: countedPaths,
  });
}

/** `Idempotency-Key` on the service's writes, its keys in the queue Redis. */
function idempotencyGuard(
  name: HostedServiceName,
  service: GuardedService,
  { config, connections, seams }: GuardDeps,
): Middleware<RequestState> {
  const { ttlSeconds, pendingTtlSeconds } = config.idempotency;
  const store = new IdempotencyStore(connections.queueRedis, {
    prefix: config.queue.prefix,
    ttlSeconds,
    pendingTtlSeconds,
  });
  return idempotency({
    store,
    scope: name,
    skipPaths: service.rawBodyPaths,
    streamed: { paths: [...new Set(service.bulkPaths)], maxBytes: config.bulk.maxBytes },
    ...seams?.idempotency,
  });
}

/**
 * The reliability checks one service gets, in order: service token (internal
 * services, when configured) → rate limit → [body] → idempotency →
 * backpressure. Idempotency comes before backpressure so a retry of a write
 * that was already answered is replayed even while the queue is full.
 */
export function serviceGuards(
  name: HostedServiceName,
  service: GuardedService,
  shared: GuardDeps,
): ServiceGuards {
  const { config, backlog } = shared;
  const beforeBody: Middleware<RequestState>[] = [];
  if (
    config.serviceToken !== undefined &&
    (INTERNAL_SERVICES as readonly HostedServiceName[]).includes(name)
  ) {
    beforeBody.push(requireServiceToken(config.serviceToken));
  }
  // Rate limits and backpressure count items, not requests (§3.7): a bulk body's, and a CSV import's rows.
  const countedPaths = new Set([...service.bulkPaths, ...service.rawBodyPaths]);
  const limited = rateLimitGuard(name, countedPaths, shared);
  if (limited) beforeBody.push(limited);
  const afterBody: Middleware<RequestState>[] = [idempotencyGuard(name, service, shared)];
  if (service.writeQueues && service.writeQueues.length > 0) {
    afterBody.push(
      backpressure({
        backlog,
        queues: service.writeQueues,
        ...config.backpressure,
        bulkPaths: countedPaths,
      }),
    );
  }
  return { beforeBody, afterBody };
}
