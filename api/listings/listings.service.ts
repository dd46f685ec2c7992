import type { Queue } from 'bullmq';
import type { ReadThroughCache } from '../../shared/cache/read-through-cache.js';
import { nowMicros } from '../../shared/clock.js';
import { NotFoundError } from '../../shared/errors/index.js';
import type { IdAllocator } from '../../shared/ids.js';
import { IntakeBatcher } from '../../shared/jobs/intake-batcher.js';
import { jobIds, type PersistListingJob } from '../../shared/jobs/job-payloads.js';
import { waitForJob } from '../../shared/jobs/wait-for-job.js';
import type { ListingRepository } from '../../shared/repositories/listing.repository.js';
import type { ListingPageQuery } from '../../shared/schemas/query.schema.js';
import type { Listing, ListingCreate } from '../../shared/schemas/listing.schema.js';
import type { AcceptedWrite, CachedJson } from '../users/users.service.js';
import type { CompletionListener } from '../../shared/jobs/completion-listener.js';
import { enqueueCreatedBatch, type CreatedWrite } from '../../shared/jobs/created-batch.js';
import { queuedOutcomes, type BulkItemOutcome, type BulkMeta } from '../http/bulk/bulk-intake.js';

export interface ListingServiceDeps {
  readonly queue: Queue<PersistListingJob>;
  readonly queueEvents: CompletionListener;
  readonly ids: IdAllocator;
  readonly cache: ReadThroughCache;
  readonly listings: ListingRepository;
}

/** A new listing with its id and timestamps, and the job that persists it (version 1). */
function listingWrite(
  id: number,
  input: ListingCreate,
  now: number,
  requestId: string,
): CreatedWrite<Listing, PersistListingJob> {
  const listing: Listing = {
    id,
    user_id: input.user_id,
    listing_type: input.listing_type,
    price: input.price,
    created_at: now,
    updated_at: now,
  };
  return {
    resource: listing,
    job: {
      name: 'listing.create',
      data: { requestId, version: 1, listing },
      opts: { jobId: jobIds.persist('listings', id, 1) },
    },
  };
}

/** Listings: writes go to the persist queue with their identity assigned; reads go through the cache. */
export function createListingService(deps: ListingServiceDeps) {
  const intake = new IntakeBatcher(deps.queue, deps.ids, 'listings');
  return {
    /** Completion events of the listings' persist queue (`Prefer: wait`). */
    completions: deps.queueEvents,

    async enqueueListingWrite(
      input: ListingCreate,
      meta: { requestId: string; waitSeconds: number },
    ): Promise<AcceptedWrite<Listing>> {
      const now = nowMicros();
      let listing: Listing | undefined;
      const { job } = await intake.submit((id) => {
        const write = listingWrite(id, input, now, meta.requestId);
        listing = write.resource;
        return write.job;
      });
      if (!listing) throw new Error('intake resolved without building the listing');
      const persisted = await waitForJob(job, deps.queueEvents, meta.waitSeconds);
      return { resource: listing, jobId: job.id ?? '', persisted };
    },

    /** A chunk of bulk listings (§7): ids in one counter step, jobs in one addBulk. */
    async enqueueListingWrites(
      inputs: readonly ListingCreate[],
      meta: BulkMeta,
    ): Promise<BulkItemOutcome<Listing>[]> {
      const now = nowMicros();
      const written = await enqueueCreatedBatch(
        deps.queue,
        deps.ids,
        'listings',
        inputs,
        (id, input) => listingWrite(id, input, now, meta.requestId),
      );
      return queuedOutcomes(written);
    },

    /** The listing as JSON text. */
    async getListing(id: number): Promise<CachedJson> {
      const { value, hit } = await deps.cache.readJson('listings', ['id', id], () =>
        deps.listings.findById(id),
      );
      // The loader's "no such listing" is cached as JSON null.
      if (value === 'null') throw new NotFoundError(`listing ${id} not found`);
      return { json: value, cacheHit: hit };
    },

    /** A page of listings as JSON text (an array). */
    async listListings(page: ListingPageQuery): Promise<CachedJson> {
      const { value, hit } = await deps.cache.readJson(
        'listings',
        ['page', page.page_num, page.page_size, page.user_id ?? 'all'],
        () => deps.listings.listPage(page),
      );
      return { json: value, cacheHit: hit };
    },
  };
}

export type ListingService = ReturnType<typeof createListingService>;
