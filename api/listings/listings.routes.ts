import Router from '@koa/router';
import type { RequestState } from '../http/request-id.js';
import { preferredWaitSeconds } from '../http/prefer-wait.js';
import { answerJsonText } from '../http/json-text.js';
import { answerAcceptedWrite, bodySource, markCache } from '../http/write-response.js';
import { compileValidator } from '../../shared/validation/ajv.js';
import { rememberValid } from '../../shared/validation/remember-valid.js';
import { listingCreateSchema, type ListingCreate } from '../../shared/schemas/listing.schema.js';
import {
  idParamSchema,
  listingPageQuerySchema,
  type IdParam,
  type ListingPageQuery,
} from '../../shared/schemas/query.schema.js';
import type { ListingService } from './listings.service.js';
import { bulkIntake, type BulkRouteOptions } from '../http/bulk/bulk-route.js';

const validateListingCreate = compileValidator<ListingCreate>(listingCreateSchema);
const validateListingPage = rememberValid(
  compileValidator<ListingPageQuery>(listingPageQuerySchema, 'parameter'),
);
const validateId = rememberValid(compileValidator<IdParam>(idParamSchema, 'parameter'));

/** Bulk intake of listings (§7); its body is streamed, not parsed by the shared body parser. */
export const LISTINGS_BULK_PATH = '/listings/bulk';

/** §2.2 of the spec: the listing service's routes. */
export function listingRoutes(service: ListingService, options: BulkRouteOptions) {
  const router = new Router<RequestState>();

  router.get('/listings/ping', (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = 'pong!';
  });

  router.get('/listings', async (ctx) => {
    const page = validateListingPage(ctx.querystring, () => ({ ...ctx.query }));
    const { json, cacheHit } = await service.listListings(page);
    markCache(ctx, cacheHit);
    // The same text as `{ result: true, listings }` serialized, without parsing the cached page.
    answerJsonText(ctx, `{"result":true,"listings":${json}}`);
  });

  router.get('/listings/:id', async (ctx) => {
    const { id } = validateId(ctx.params.id ?? '', () => ({ id: ctx.params.id }));
    const { json, cacheHit } = await service.getListing(id);
    markCache(ctx, cacheHit);
    answerJsonText(ctx, `{"result":true,"listing":${json}}`);
  });

  router.post('/listings', async (ctx) => {
    const input = validateListingCreate(ctx.request.body, bodySource(ctx));
    const write = await service.enqueueListingWrite(input, {
      requestId: ctx.state.requestId,
      waitSeconds: preferredWaitSeconds(ctx.get('Prefer'), options.preferWaitMaxSeconds),
    });
    answerAcceptedWrite(ctx, write, `/listings/${write.resource.id}`, {
      listing: write.resource,
    });
  });

  router.post(
    LISTINGS_BULK_PATH,
    bulkIntake(
      {
        resourceKey: 'listing',
        validate: validateListingCreate,
        enqueueChunk: (items, meta) => service.enqueueListingWrites(items, meta),
        completions: service.completions,
      },
      options,
    ),
  );

  return router;
}
