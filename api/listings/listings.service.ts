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

export interface ListingServiceDeps {
  readonly queue: Queue<PersistListingJob>;
  readonly queueEvents: CompletionListener;
  readonly ids: IdAllocator;
  readonly cache: ReadThroughCache;
  readonly listings: ListingRepository;
}

/** Listings: writes go to the persist queue with their identity assigned; reads go through the cache. */
export function createListingService(deps: ListingServiceDeps) {
  const intake = new IntakeBatcher(deps.queue, deps.ids, 'listings');
  return {
    async enqueueListingWrite(
      input: ListingCreate,
      meta: { requestId: string; waitSeconds: number },
    ): Promise<AcceptedWrite<Listing>> {
      const now = nowMicros();
      const version = 1;
      let listing: Listing | undefined;
      const { job } = await intake.submit((id) => {
        listing = {
          id,
          user_id: input.user_id,
          listing_type: input.listing_type,
          price: input.price,
          created_at: now,
          updated_at: now,
        };
        return {
          name: 'listing.create',
          data: { requestId: meta.requestId, version, listing },
          opts: { jobId: jobIds.persist('listings', id, version) },
        };
      });
      if (!listing) throw new Error('intake resolved without building the listing');
      const persisted = await waitForJob(job, deps.queueEvents, meta.waitSeconds);
      return { resource: listing, jobId: job.id ?? '', persisted };
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
