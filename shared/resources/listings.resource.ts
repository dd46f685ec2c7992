import { persistListingJobSchema } from '../jobs/job-payloads.js';
import { ListingRepository } from '../repositories/listing.repository.js';
import {
  listingCreateSchema,
  listingSchema,
  type Listing,
  type ListingCreate,
} from '../schemas/listing.schema.js';
import type { CreatedResource } from './created-resource.js';

/** §2.2: a listing of a user; its id comes from the listings counter, its times from the API's clock. */
export const listingsResource: CreatedResource<
  'listing',
  ListingCreate,
  Listing,
  ListingRepository
> = {
  entity: 'listings',
  resourceKey: 'listing',
  queue: 'persistListings',
  jobName: 'listing.create',
  createSchema: listingCreateSchema,
  resourceSchema: listingSchema,
  jobSchema: persistListingJobSchema,
  build: (id, input, now) => ({
    id,
    user_id: input.user_id,
    listing_type: input.listing_type,
    price: input.price,
    created_at: now,
    updated_at: now,
  }),
  store: (pool) => new ListingRepository(pool),
};
