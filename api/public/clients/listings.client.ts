import { compileValidator } from '../../../shared/validation/ajv.js';
import {
  listingSchema,
  type Listing,
  type ListingCreate,
} from '../../../shared/schemas/listing.schema.js';
import type { ListingPageQuery } from '../../../shared/schemas/query.schema.js';
import type { CallMeta, UpstreamClient } from './upstream-client.js';
import {
  postBulk,
  readWrite,
  writeHeaders,
  type UpstreamWrite,
  type WriteMeta,
} from './upstream-write.js';
import type { BulkItemOutcome, BulkMeta } from '../../http/bulk/bulk-intake.js';

// Answers are checked field by field; extra top-level fields (job_id) are allowed.
const validateOne = compileValidator<{ listing: Listing }>({
  type: 'object',
  required: ['listing'],
  properties: { listing: listingSchema },
});
const validatePage = compileValidator<{ listings: Listing[] }>({
  type: 'object',
  required: ['listings'],
  properties: { listings: { type: 'array', items: listingSchema } },
});

/** The listing service (§2.2) as the public API sees it: typed calls over HTTP. */
export function createListingsClient(upstream: UpstreamClient) {
  return {
    async listPage(page: ListingPageQuery, meta: CallMeta): Promise<Listing[]> {
      const answer = await upstream.request({
        method: 'GET',
        path: '/listings',
        query: { page_num: page.page_num, page_size: page.page_size, user_id: page.user_id },
        headers: { 'x-request-id': meta.requestId },
      });
      if (answer.status !== 200) throw upstream.unexpected(answer);
      return upstream.expectShape(validatePage, answer).listings;
    },

    /** The listing, or null when the listing service does not know the id (yet). */
    async getListing(id: number, meta: CallMeta): Promise<Listing | null> {
      const answer = await upstream.request({
        method: 'GET',
        path: `/listings/${id}`,
        headers: { 'x-request-id': meta.requestId },
      });
      if (answer.status === 404) return null;
      if (answer.status !== 200) throw upstream.unexpected(answer);
      return upstream.expectShape(validateOne, answer).listing;
    },

    /** One chunk of bulk listings, in one request to the listing service's bulk intake. */
    async createListings(
      inputs: readonly ListingCreate[],
      meta: BulkMeta,
    ): Promise<BulkItemOutcome<Listing>[]> {
      return postBulk(upstream, '/listings/bulk', inputs, meta, {
        key: 'listing',
        validate: validateOne,
      });
    },

    async createListing(input: ListingCreate, meta: WriteMeta): Promise<UpstreamWrite<Listing>> {
      const answer = await upstream.request({
        method: 'POST',
        path: '/listings',
        json: input,
        headers: writeHeaders(meta),
        extraMs: meta.waitSeconds * 1000,
      });
      return readWrite(upstream, answer, (a) => upstream.expectShape(validateOne, a).listing);
    },
  };
}

export type ListingsClient = ReturnType<typeof createListingsClient>;
