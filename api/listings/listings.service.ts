import type { ListingRepository } from '../../shared/domain/repositories/listing.repository.js';
import { listingsResource } from '../../shared/domain/resources/listings.resource.js';
import type { Listing } from '../../shared/domain/schemas/listing.schema.js';
import type { ListingPageQuery } from '../../shared/domain/schemas/query.schema.js';
import {
  createCreatedResourceService,
  type CreatedResourceDeps,
} from '../resources/created-resource.service.js';
import type { CachedJson } from '../write-results.js';

/** Listings (§2.2): the created-resource service, plus pages that may name one user. */
export function createListingService(
  deps: CreatedResourceDeps<'listing', Listing, ListingRepository>,
) {
  const listings = createCreatedResourceService(listingsResource, deps);
  return {
    ...listings,

    /** A page of listings as JSON text (an array). */
    listListings(page: ListingPageQuery): Promise<CachedJson> {
      return listings.readJson(
        ['page', page.page_num, page.page_size, page.user_id ?? 'all', page.after ?? ''],
        () => deps.store.listPage(page),
      );
    },
  };
}

export type ListingService = ReturnType<typeof createListingService>;
