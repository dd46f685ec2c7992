import { QUEUE_NAMES } from '../../shared/jobs/queue-names.js';
import { persistListingJobSchema, type PersistListingJob } from '../../shared/jobs/job-payloads.js';
import { ListingRepository } from '../../shared/repositories/listing.repository.js';
import type { Listing } from '../../shared/schemas/listing.schema.js';
import { compileValidator } from '../../shared/validation/ajv.js';
import { batchingOf, type WorkerModule } from '../worker-module.js';
import { createPersistCommitter } from './persist-committer.js';
import { createPersistWriteProcessor } from './persist-write.processor.js';

/** Listings: group-committed to MySQL, then cache invalidation and change events. */
export const persistListingsModule: WorkerModule = {
  name: 'persist-listings',
  build({ config, connections, logger, cache, queues, hooks }) {
    const listings = new ListingRepository(connections.mysql);
    const committer = createPersistCommitter<Listing>({
      entity: 'listings',
      upsertMany: (writes) =>
        listings.upsertMany(writes.map((w) => ({ listing: w.resource, version: w.version }))),
      cache,
      changeEvents: queues.replicate,
      onBatch: (size) => hooks.onBatch?.(QUEUE_NAMES.persistListings, size),
      ...batchingOf(config),
    });
    const processor = createPersistWriteProcessor<PersistListingJob, Listing>({
      validate: compileValidator(persistListingJobSchema),
      toWrite: (p) => ({ requestId: p.requestId, version: p.version, resource: p.listing }),
      committer,
      logger,
    });
    return [{ queue: QUEUE_NAMES.persistListings, processor, drain: () => committer.drain() }];
  },
};
