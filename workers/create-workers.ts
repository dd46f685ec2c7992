import { Worker, type Processor } from 'bullmq';
import type { Config } from '../config/index.js';
import type { Connections } from '../shared/connections.js';
import type { Logger } from '../shared/logger.js';
import { ReadThroughCache } from '../shared/cache/read-through-cache.js';
import { QUEUE_NAMES } from '../shared/jobs/queue-names.js';
import { createQueues } from '../shared/jobs/queues.js';
import {
  persistListingJobSchema,
  persistUserJobSchema,
  type PersistListingJob,
  type PersistUserJob,
} from '../shared/jobs/job-payloads.js';
import { UserRepository } from '../shared/repositories/user.repository.js';
import { ListingRepository } from '../shared/repositories/listing.repository.js';
import { ReplicaRepository } from '../shared/repositories/replica.repository.js';
import type { User } from '../shared/schemas/user.schema.js';
import type { Listing } from '../shared/schemas/listing.schema.js';
import { compileValidator } from '../shared/validation/ajv.js';
import { createPersistCommitter } from './persist/persist-committer.js';
import { createPersistWriteProcessor } from './persist/persist-write.processor.js';
import {
  createReplicaCommitters,
  createReplicateProcessor,
} from './replicate/replicate.processor.js';
import type { GroupCommitter } from './group-commit.js';

export interface RunningWorkers {
  readonly workers: readonly Worker[];
  /** Stops taking jobs, lets the active ones finish, then closes the producers. */
  close(): Promise<void>;
}

export interface WorkerHooks {
  /** Called with the size of every group-committed batch, per queue. */
  readonly onBatch?: (queue: string, size: number) => void;
}

/** Builds the persist and replicate workers of one process on the given connections. */
export function createWorkers(
  config: Config,
  connections: Connections,
  logger: Logger,
  hooks: WorkerHooks = {},
): RunningWorkers {
  const cache = new ReadThroughCache(connections.cacheRedis, config.cache);
  const queues = createQueues(config, connections.queueRedis);
  const users = new UserRepository(connections.mysql);
  const listings = new ListingRepository(connections.mysql);
  const batching = {
    maxBatch: config.worker.groupCommitMaxBatch,
    maxWaitMs: config.worker.groupCommitMaxWaitMs,
  };

  const userCommitter = createPersistCommitter<User>({
    entity: 'users',
    upsertMany: (writes) =>
      users.upsertMany(writes.map((w) => ({ user: w.resource, version: w.version }))),
    cache,
    changeEvents: queues.replicate,
    onBatch: (size) => hooks.onBatch?.(QUEUE_NAMES.persistUsers, size),
    ...batching,
  });
  const listingCommitter = createPersistCommitter<Listing>({
    entity: 'listings',
    upsertMany: (writes) =>
      listings.upsertMany(writes.map((w) => ({ listing: w.resource, version: w.version }))),
    cache,
    changeEvents: queues.replicate,
    onBatch: (size) => hooks.onBatch?.(QUEUE_NAMES.persistListings, size),
    ...batching,
  });
  const replicaCommitters = createReplicaCommitters(
    new ReplicaRepository(connections.mongo),
    batching,
  );

  const log = logger.child({ component: 'worker' });
  const processors: [string, Processor][] = [
    [
      QUEUE_NAMES.persistUsers,
      createPersistWriteProcessor<PersistUserJob, User>({
        validate: compileValidator(persistUserJobSchema),
        toWrite: (p) => ({ requestId: p.requestId, version: p.version, resource: p.user }),
        committer: userCommitter,
        logger: log,
      }),
    ],
    [
      QUEUE_NAMES.persistListings,
      createPersistWriteProcessor<PersistListingJob, Listing>({
        validate: compileValidator(persistListingJobSchema),
        toWrite: (p) => ({ requestId: p.requestId, version: p.version, resource: p.listing }),
        committer: listingCommitter,
        logger: log,
      }),
    ],
    [QUEUE_NAMES.replicate, createReplicateProcessor(replicaCommitters, log)],
  ];

  const workers = processors.map(([name, processor]) => {
    const worker = new Worker(name, processor, {
      connection: connections.queueRedis,
      prefix: config.queue.prefix,
      concurrency: config.worker.concurrency,
    });
    worker.on('failed', (job, error) =>
      log.warn(
        { queue: name, jobId: job?.id, attempts: job?.attemptsMade, err: error.message },
        'job failed',
      ),
    );
    worker.on('error', (error) => log.error({ queue: name, err: error.message }, 'worker error'));
    return worker;
  });

  const committers: GroupCommitter<unknown>[] = [
    userCommitter,
    listingCommitter,
    replicaCommitters.users,
    replicaCommitters.listings,
  ] as GroupCommitter<unknown>[];

  let closing: Promise<void> | undefined;
  return {
    workers,
    close: () =>
      (closing ??= (async () => {
        await Promise.all(workers.map((w) => w.close()));
        await Promise.all(committers.map((c) => c.drain()));
        await Promise.all(Object.values(queues).map((q) => q.close()));
      })()),
  };
}
