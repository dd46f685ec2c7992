import type { Context } from 'koa';
import { bulkRoute, type BulkRouteOptions } from '../http/bulk/bulk-route.js';
import { preferredWaitSeconds } from '../http/prefer-wait.js';
import type { RequestState } from '../http/request-id.js';
import { route, type Route } from '../http/route-table.js';
import { itemsOf, linkNextPage } from '../http/next-page.js';
import { answerAcceptedWrite } from '../http/write-response.js';
import {
  acceptedWriteExtra,
  errorAnswerSchema,
  invalidInputResponse as invalid,
  notFoundResponse,
  PREFER_WAIT_HEADER,
  resultEnvelope,
} from '../../shared/infra/openapi/envelopes.js';
import { listingCreateSchema, listingSchema } from '../../shared/domain/schemas/listing.schema.js';
import {
  idParamSchema,
  listingPageQuerySchema,
  MAX_BATCH_IDS,
} from '../../shared/domain/schemas/query.schema.js';
import { userCreateSchema, userSchema } from '../../shared/domain/schemas/user.schema.js';
import { decodeCursor } from '../../shared/domain/pagination/cursor.js';
import type { WriteMeta } from './clients/upstream-write.js';
import type { PublicListing, PublicService } from './public.service.js';

const { user_id: _userId, ...listingFields } = listingSchema.properties;

/** A listing as the public API shows it: its user embedded instead of `user_id`. */
const publicListingSchema = {
  type: 'object',
  required: ['id', 'listing_type', 'price', 'created_at', 'updated_at', 'user'],
  properties: { ...listingFields, user: { ...userSchema, nullable: true } },
};

/** A listing written through the public API (one or in bulk): as stored, with its user beside `user_id`. */
const writtenListingSchema = {
  ...listingSchema,
  required: [...listingSchema.required, 'user'],
  properties: { ...listingSchema.properties, user: userSchema },
};

const upstreamDown = {
  description: 'an internal service is down or too slow',
  schema: errorAnswerSchema,
};
const upstreamFailures = { 502: upstreamDown, 503: upstreamDown };

/** How a public write route states its write to the internal service. */
type MetaOf = (ctx: Context & { state: RequestState }) => WriteMeta;

/** A page of listings and one listing, each with its user. */
function listingReadRoutes(service: PublicService): Route[] {
  return [
    route({
      method: 'get',
      path: '/public-api/listings',
      summary: 'A page of listings, each with its user (one user-service request per page)',
      query: listingPageQuerySchema,
      responses: {
        200: {
          description: 'listings',
          schema: resultEnvelope('listings', { type: 'array', items: publicListingSchema }),
        },
        400: invalid,
        ...upstreamFailures,
      },
      async handler(ctx, { query }) {
        // A cursor the listing service would refuse is refused here (a 400, not its 4xx as a 502).
        if (query.after !== undefined) decodeCursor(query.after, ['int', 'int']);
        const listings = await service.listListings(query, { requestId: ctx.state.requestId });
        // The listing service's own order, so its cursor goes on from the same listing here.
        linkNextPage(ctx, query, itemsOf(listings), (l: PublicListing) => [l.created_at, l.id]);
        ctx.body = { result: true, listings };
      },
    }),
    route({
      method: 'get',
      path: '/public-api/listings/:id',
      summary: 'One listing with its user',
      params: idParamSchema,
      responses: {
        200: { description: 'the listing', schema: resultEnvelope('listing', publicListingSchema) },
        400: invalid,
        404: notFoundResponse('listing'),
        ...upstreamFailures,
      },
      async handler(ctx, { params }) {
        const listing = await service.getListing(params.id, { requestId: ctx.state.requestId });
        ctx.body = { result: true, listing };
      },
    }),
  ];
}

/** `GET /public-api/users/:id`: one user. */
function userReadRoute(service: PublicService): Route {
  return route({
    method: 'get',
    path: '/public-api/users/:id',
    summary: 'One user',
    params: idParamSchema,
    responses: {
      200: { description: 'the user', schema: resultEnvelope('user', userSchema) },
      400: invalid,
      404: notFoundResponse('user'),
      ...upstreamFailures,
    },
    async handler(ctx, { params }) {
      const user = await service.getUser(params.id, { requestId: ctx.state.requestId });
      ctx.body = { result: true, user };
    },
  });
}

/** `POST /public-api/users`: one user, through the user service. */
function createUserRoute(service: PublicService, writeMeta: MetaOf): Route {
  return route({
    method: 'post',
    path: '/public-api/users',
    summary: 'Create a user through the user service',
    body: userCreateSchema,
    bodyTypes: ['application/json'],
    headers: [PREFER_WAIT_HEADER],
    responses: {
      201: {
        description: 'persisted',
        schema: resultEnvelope('user', userSchema, acceptedWriteExtra),
      },
      202: {
        description: 'accepted',
        schema: resultEnvelope('user', userSchema, acceptedWriteExtra),
      },
      400: invalid,
      ...upstreamFailures,
    },
    async handler(ctx, { body }) {
      const write = await service.createUser(body, writeMeta(ctx));
      answerAcceptedWrite(
        ctx,
        { jobId: write.jobId, persisted: write.status === 201 },
        `/public-api/users/${write.resource.id}`,
        { user: write.resource },
      );
    },
  });
}

/** Bulk creates of users and of listings, each chunk one batched upstream request. */
function bulkCreateRoutes(service: PublicService, options: BulkRouteOptions): Route[] {
  return [
    bulkRoute(
      {
        path: '/public-api/users/bulk',
        what: 'users',
        item: userCreateSchema,
        resource: userSchema,
      },
      {
        resourceKey: 'user',
        enqueueChunk: (items, meta) => service.createUsers(items, meta),
        // One user-service request per chunk, answered before the next is read.
        chunkSize: MAX_BATCH_IDS,
      },
      options,
    ),
    bulkRoute(
      {
        path: '/public-api/listings/bulk',
        what: "listings (an unknown user_id is that item's 422)",
        item: listingCreateSchema,
        resource: writtenListingSchema,
      },
      {
        resourceKey: 'listing',
        enqueueChunk: (items, meta) => service.createListings(items, meta),
        // At most as many distinct users as one batched look-up may name.
        chunkSize: MAX_BATCH_IDS,
      },
      options,
    ),
  ];
}

/** `POST /public-api/listings`: one listing for an existing user, through the listing service. */
function createListingRoute(service: PublicService, writeMeta: MetaOf): Route {
  return route({
    method: 'post',
    path: '/public-api/listings',
    summary: 'Create a listing for an existing user through the listing service',
    body: listingCreateSchema,
    bodyTypes: ['application/json'],
    headers: [PREFER_WAIT_HEADER],
    responses: {
      201: {
        description: 'persisted',
        schema: resultEnvelope('listing', writtenListingSchema, acceptedWriteExtra),
      },
      202: {
        description: 'accepted',
        schema: resultEnvelope('listing', writtenListingSchema, acceptedWriteExtra),
      },
      400: invalid,
      422: { description: 'user_id names no user', schema: errorAnswerSchema },
      ...upstreamFailures,
    },
    async handler(ctx, { body }) {
      const write = await service.createListing(body, writeMeta(ctx));
      answerAcceptedWrite(
        ctx,
        { jobId: write.jobId, persisted: write.status === 201 },
        `/public-api/listings/${write.resource.id}`,
        { listing: write.resource },
      );
    },
  });
}

/**
 * The only routes meant for the internet (§2.3), all under /public-api. The
 * internal services' own schemas validate them: bad input is refused here,
 * before any upstream call.
 */
export function publicRoutes(service: PublicService, options: BulkRouteOptions): Route[] {
  function writeMeta(ctx: Context & { state: RequestState }): WriteMeta {
    const idempotencyKey = ctx.get('Idempotency-Key');
    return {
      requestId: ctx.state.requestId,
      waitSeconds: preferredWaitSeconds(ctx.get('Prefer'), options.preferWaitMaxSeconds),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    };
  }

  return [
    ...listingReadRoutes(service),
    userReadRoute(service),
    createUserRoute(service, writeMeta),
    ...bulkCreateRoutes(service, options),
    createListingRoute(service, writeMeta),
  ];
}
