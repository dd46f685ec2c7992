import { compileValidator } from '../../../shared/infra/validation/ajv.js';
import {
  listingSchema,
  type Listing,
  type ListingCreate,
} from '../../../shared/domain/schemas/listing.schema.js';
import type { ListingPageQuery } from '../../../shared/domain/schemas/query.schema.js';
import { createdResourceClient } from './created-resource.client.js';
import type { CallMeta, UpstreamClient } from './upstream-client.js';

const validatePage = compileValidator<{ listings: Listing[] }>({
  type: 'object',
  required: ['listings'],
  properties: { listings: { type: 'array', items: listingSchema } },
});

/** The listing service (§2.2) as the public API sees it: typed calls over HTTP. */
export function createListingsClient(upstream: UpstreamClient) {
  const listings = createdResourceClient<'listing', ListingCreate, Listing>(upstream, {
    entity: 'listings',
    resourceKey: 'listing',
    resourceSchema: listingSchema,
  });
  return {
    getListing: listings.getOne,
    createListing: listings.createOne,
    createListings: listings.createMany,

    async listPage(page: ListingPageQuery, meta: CallMeta): Promise<Listing[]> {
      const answer = await upstream.request({
        method: 'GET',
        path: '/listings',
        query: {
          page_num: page.page_num,
          page_size: page.page_size,
          user_id: page.user_id,
          after: page.after,
        },
        headers: { 'x-request-id': meta.requestId },
      });
      if (answer.status !== 200) throw upstream.unexpected(answer);
      return upstream.expectShape(validatePage, answer).listings;
    },
  };
}

export type ListingsClient = ReturnType<typeof createListingsClient>;
