import Router from '@koa/router';
import type { Context } from 'koa';
import type { RequestState } from '../http/request-id.js';
import { preferredWaitSeconds } from '../http/prefer-wait.js';
import { answerAcceptedWrite, bodySource } from '../http/write-response.js';
import { compileValidator } from '../../shared/validation/ajv.js';
import { listingCreateSchema, type ListingCreate } from '../../shared/schemas/listing.schema.js';
import { userCreateSchema, type UserCreate } from '../../shared/schemas/user.schema.js';
import {
  idParamSchema,
  listingPageQuerySchema,
  type IdParam,
  type ListingPageQuery,
} from '../../shared/schemas/query.schema.js';
import type { WriteMeta } from './clients/upstream-write.js';
import type { PublicService } from './public.service.js';
import { bulkIntake, type BulkRouteOptions } from '../http/bulk/bulk-route.js';
import { MAX_BATCH_IDS } from '../../shared/schemas/query.schema.js';

/** Bulk intake through the public API (§7); bodies are streamed, not parsed by the shared body parser. */
export const PUBLIC_BULK_PATHS = ['/public-api/users/bulk', '/public-api/listings/bulk'];

// The internal services' own schemas: bad input is refused here, before any upstream call.
const validateUserCreate = compileValidator<UserCreate>(userCreateSchema);
const validateListingCreate = compileValidator<ListingCreate>(listingCreateSchema);
const validateListingPage = compileValidator<ListingPageQuery>(listingPageQuerySchema, 'parameter');
const validateId = compileValidator<IdParam>(idParamSchema, 'parameter');

/** The only routes meant for the internet (§2.3), all under /public-api. */
export function publicRoutes(service: PublicService, options: BulkRouteOptions) {
  const router = new Router<RequestState>({ prefix: '/public-api' });

  function writeMeta(ctx: Context & { state: RequestState }): WriteMeta {
    const idempotencyKey = ctx.get('Idempotency-Key');
    return {
      requestId: ctx.state.requestId,
      waitSeconds: preferredWaitSeconds(ctx.get('Prefer'), options.preferWaitMaxSeconds),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    };
  }

  router.get('/listings', async (ctx) => {
    const page = validateListingPage({ ...ctx.query });
    const listings = await service.listListings(page, { requestId: ctx.state.requestId });
    ctx.body = { result: true, listings };
  });

  router.get('/listings/:id', async (ctx) => {
    const { id } = validateId({ id: ctx.params.id });
    const listing = await service.getListing(id, { requestId: ctx.state.requestId });
    ctx.body = { result: true, listing };
  });

  router.get('/users/:id', async (ctx) => {
    const { id } = validateId({ id: ctx.params.id });
    ctx.body = {
      result: true,
      user: await service.getUser(id, { requestId: ctx.state.requestId }),
    };
  });

  router.post('/users', async (ctx) => {
    const input = validateUserCreate(ctx.request.body, bodySource(ctx));
    const write = await service.createUser(input, writeMeta(ctx));
    answerAcceptedWrite(
      ctx,
      { jobId: write.jobId, persisted: write.status === 201 },
      `/public-api/users/${write.resource.id}`,
      { user: write.resource },
    );
  });

  router.post(
    '/users/bulk',
    bulkIntake(
      {
        resourceKey: 'user',
        validate: validateUserCreate,
        enqueueChunk: (items, meta) => service.createUsers(items, meta),
        // One user-service request per chunk, answered before the next is read.
        chunkSize: MAX_BATCH_IDS,
      },
      options,
    ),
  );

  router.post(
    '/listings/bulk',
    bulkIntake(
      {
        resourceKey: 'listing',
        validate: validateListingCreate,
        enqueueChunk: (items, meta) => service.createListings(items, meta),
        // At most as many distinct users as one batched look-up may name.
        chunkSize: MAX_BATCH_IDS,
      },
      options,
    ),
  );

  router.post('/listings', async (ctx) => {
    const input = validateListingCreate(ctx.request.body, bodySource(ctx));
    const write = await service.createListing(input, writeMeta(ctx));
    answerAcceptedWrite(
      ctx,
      { jobId: write.jobId, persisted: write.status === 201 },
      `/public-api/listings/${write.resource.id}`,
      { listing: write.resource },
    );
  });

  return router;
}
