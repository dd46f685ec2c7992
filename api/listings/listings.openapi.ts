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

const invalid = invalidInputResponse;

/** The listing service's operations, documented from the schemas that validate them. */
export const LISTING_OPERATIONS: readonly OperationDoc[] = [
  {
    method: 'get',
    path: '/listings/ping',
    summary: 'Liveness of the legacy contract',
    responses: {
      200: { description: 'pong!', schema: { type: 'string' }, contentType: 'text/plain' },
    },
  },
  {
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
  },
  {
    method: 'get',
    path: '/listings/:id',
    summary: 'One listing',
    params: idParamSchema,
    responses: {
      200: { description: 'the listing', schema: resultEnvelope('listing', listingSchema) },
      400: invalid,
      404: notFoundResponse('listing'),
    },
  },
  {
    method: 'post',
    path: '/listings',
    summary: 'Create a listing (queued; answered with its id)',
    body: listingCreateSchema,
    headers: [PREFER_WAIT_HEADER],
    responses: {
      201: {
        description: 'persisted (Prefer: wait)',
        schema: resultEnvelope('listing', listingSchema, acceptedWriteExtra),
      },
      202: {
        description: 'accepted and queued',
        schema: resultEnvelope('listing', listingSchema, acceptedWriteExtra),
      },
      400: invalid,
      415: { description: 'not JSON or form data', schema: errorAnswerSchema },
    },
  },
  bulkOperationDoc({
    path: '/listings/bulk',
    what: 'listings',
    item: listingCreateSchema,
    resourceKey: 'listing',
    resource: listingSchema,
  }),
];
