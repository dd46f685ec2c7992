import { bulkOperationDoc } from '../../shared/openapi/bulk-operation.js';
import {
  acceptedWriteExtra,
  errorAnswerSchema,
  invalidInputResponse,
  notFoundResponse,
  PREFER_WAIT_HEADER,
  resultEnvelope,
} from '../../shared/openapi/envelopes.js';
import type { OperationDoc } from '../../shared/openapi/openapi-document.js';
import { listingCreateSchema, listingSchema } from '../../shared/schemas/listing.schema.js';
import { idParamSchema, listingPageQuerySchema } from '../../shared/schemas/query.schema.js';
import { userCreateSchema, userSchema } from '../../shared/schemas/user.schema.js';

const { user_id: _userId, ...listingFields } = listingSchema.properties;

/** A listing as the public API shows it: its user embedded instead of `user_id`. */
const publicListingSchema = {
  type: 'object',
  required: ['id', 'listing_type', 'price', 'created_at', 'updated_at', 'user'],
  properties: { ...listingFields, user: { ...userSchema, nullable: true } },
};

const invalid = invalidInputResponse;
const upstreamDown = {
  description: 'an internal service is down or too slow',
  schema: errorAnswerSchema,
};

/** The public API's operations, documented from the schemas that validate them. */
/** A listing written in bulk through the public API: as stored, with its user beside `user_id`. */
const writtenListingSchema = {
  ...listingSchema,
  required: [...listingSchema.required, 'user'],
  properties: { ...listingSchema.properties, user: userSchema },
};

export const PUBLIC_OPERATIONS: readonly OperationDoc[] = [
  {
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
      502: upstreamDown,
      503: upstreamDown,
    },
  },
  {
    method: 'get',
    path: '/public-api/listings/:id',
    summary: 'One listing with its user',
    params: idParamSchema,
    responses: {
      200: { description: 'the listing', schema: resultEnvelope('listing', publicListingSchema) },
      400: invalid,
      404: notFoundResponse('listing'),
      502: upstreamDown,
      503: upstreamDown,
    },
  },
  {
    method: 'get',
    path: '/public-api/users/:id',
    summary: 'One user',
    params: idParamSchema,
    responses: {
      200: { description: 'the user', schema: resultEnvelope('user', userSchema) },
      400: invalid,
      404: notFoundResponse('user'),
      502: upstreamDown,
      503: upstreamDown,
    },
  },
  {
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
      502: upstreamDown,
      503: upstreamDown,
    },
  },
  {
    method: 'post',
    path: '/public-api/listings',
    summary: 'Create a listing for an existing user through the listing service',
    body: listingCreateSchema,
    bodyTypes: ['application/json'],
    headers: [PREFER_WAIT_HEADER],
    responses: {
      201: {
        description: 'persisted',
        schema: resultEnvelope('listing', publicListingSchema, acceptedWriteExtra),
      },
      202: {
        description: 'accepted',
        schema: resultEnvelope('listing', publicListingSchema, acceptedWriteExtra),
      },
      400: invalid,
      422: { description: 'user_id names no user', schema: errorAnswerSchema },
      502: upstreamDown,
      503: upstreamDown,
    },
  },
  bulkOperationDoc({
    path: '/public-api/users/bulk',
    what: 'users',
    item: userCreateSchema,
    resourceKey: 'user',
    resource: userSchema,
  }),
  bulkOperationDoc({
    path: '/public-api/listings/bulk',
    what: "listings (an unknown user_id is that item's 422)",
    item: listingCreateSchema,
    resourceKey: 'listing',
    resource: writtenListingSchema,
  }),
];
