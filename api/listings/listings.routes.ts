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

const validateListingCreate = compileValidator<ListingCreate>(listingCreateSchema);
const validateListingPage = rememberValid(
  compileValidator<ListingPageQuery>(listingPageQuerySchema, 'parameter'),
);
const validateId = rememberValid(compileValidator<IdParam>(idParamSchema, 'parameter'));

/** §2.2 of the spec: the listing service's routes. */
export function listingRoutes(service: ListingService, options: { preferWaitMaxSeconds: number }) {
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

  return router;
}
