import type { BulkRouteOptions } from '../http/bulk/bulk-route.js';
import { pingRoute } from '../http/common-routes.js';
import { answerJsonText } from '../http/json-text.js';
import { route, type Route } from '../http/route-table.js';
import { itemsOfJson, linkNextPage } from '../http/next-page.js';
import { markCache } from '../http/write-response.js';
import { createdResourceRoutes } from '../resources/created-resource.routes.js';
import {
  invalidInputResponse as invalid,
  resultEnvelope,
} from '../../shared/infra/openapi/envelopes.js';
import { listingsResource } from '../../shared/domain/resources/listings.resource.js';
import { listingSchema, type Listing } from '../../shared/domain/schemas/listing.schema.js';
import { listingPageQuerySchema } from '../../shared/domain/schemas/query.schema.js';
import type { ListingService } from './listings.service.js';

/** §2.2 of the spec: the listing service's routes. */
export function listingRoutes(service: ListingService, options: BulkRouteOptions): Route[] {
  const generic = createdResourceRoutes(listingsResource, service, options);
  return [
    // Before /listings/:id, which would otherwise take "ping" for an id.
    pingRoute('/listings/ping', 'pong!'),
    route({
      method: 'get',
      path: '/listings',
      summary: 'A page of listings, newest first, optionally one user’s',
      query: listingPageQuerySchema,
      responses: {
        200: {
          description: 'listings',
          schema: resultEnvelope('listings', { type: 'array', items: listingSchema }),
        },
        400: invalid,
      },
      async handler(ctx, { query }) {
        const { json, cacheHit, tag } = await service.listListings(query);
        markCache(ctx, cacheHit);
        linkNextPage(ctx, query, itemsOfJson(json), (listing: Listing) => [
          listing.created_at,
          listing.id,
        ]);
        // The same text as `{ result: true, listings }` serialized, without parsing the cached page.
        answerJsonText(ctx, `{"result":true,"listings":${json}}`, tag);
      },
    }),
    generic.getOne,
    generic.create,
    generic.bulk,
  ];
}
