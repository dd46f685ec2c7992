import { persistListingJobSchema } from '../writes/write-jobs.js';
import { ListingRepository } from '../repositories/listing.repository.js';
import {
  listingCreateSchema,
  listingSchema,
  type Listing,
  type ListingCreate,
} from '../schemas/listing.schema.js';
import { createdResource } from './created-resource.js';

/** §2.2: a listing of a user; its id comes from the listings counter, its times from the API's clock. */
export const listingsResource = createdResource<
  'listing',
  ListingCreate,
  Listing,
  ListingRepository
>({
  entity: 'listings',
  resourceKey: 'listing',
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
  store: (pool, sql) => new ListingRepository(pool, sql),
});
