import { bulkOperationDoc } from '../../shared/openapi/bulk-operation.js';
import {
  acceptedWriteExtra,
  errorAnswerSchema,
  invalidInputResponse,
  PREFER_WAIT_HEADER,
  resultEnvelope,
} from '../../shared/openapi/envelopes.js';
import type { OperationDoc } from '../../shared/openapi/openapi-document.js';
import {
  customerCreateSchema,
  customerEventsQuerySchema,
  customerPatchSchema,
  customerSchema,
  legacyCustomerQuerySchema,
  uuidParamSchema,
} from '../../shared/schemas/customer.schema.js';
import { changeEventSchema } from '../../shared/jobs/job-payloads.js';
import { pageQuerySchema } from '../../shared/schemas/query.schema.js';

const invalid = invalidInputResponse;
const notFound = { description: 'no such customer (or deleted)', schema: errorAnswerSchema };
const taken = {
  description: 'username already taken (even while queued)',
  schema: errorAnswerSchema,
};
const written = (description: string) => ({
  description,
  schema: resultEnvelope('customer', customerSchema, acceptedWriteExtra),
});

/** The customer service's operations, legacy and REST, documented from the validating schemas. */
export const CUSTOMER_OPERATIONS: readonly OperationDoc[] = [
  {
    method: 'put',
    path: '/customer',
    summary: 'Legacy: create a customer',
    body: customerCreateSchema,
    bodyTypes: ['application/json'],
    headers: [PREFER_WAIT_HEADER],
    responses: { 201: written('persisted'), 202: written('accepted'), 400: invalid, 409: taken },
  },
  {
    method: 'get',
    path: '/customer',
    summary: 'Legacy: one customer by ?uuid, or (no uuid) every uuid → username pair, streamed',
    query: legacyCustomerQuerySchema,
    responses: {
      200: {
        description: 'the customer, or an object of uuid → username',
        schema: { type: 'object' },
      },
      400: invalid,
      404: notFound,
    },
  },
  {
    method: 'get',
    path: '/customers',
    summary: 'A page of customers, newest first',
    query: pageQuerySchema,
    responses: {
      200: {
        description: 'customers',
        schema: resultEnvelope('customers', { type: 'array', items: customerSchema }),
      },
      400: invalid,
    },
  },
  {
    method: 'post',
    path: '/customers',
    summary: 'Create a customer',
    body: customerCreateSchema,
    headers: [PREFER_WAIT_HEADER],
    responses: { 201: written('persisted'), 202: written('accepted'), 400: invalid, 409: taken },
  },
  {
    method: 'get',
    path: '/customers/:uuid',
    summary: 'One customer',
    params: uuidParamSchema,
    responses: {
      200: { description: 'the customer', schema: resultEnvelope('customer', customerSchema) },
      400: invalid,
      404: notFound,
    },
  },
  {
    method: 'patch',
    path: '/customers/:uuid',
    summary: 'Change some fields of a customer',
    params: uuidParamSchema,
    body: customerPatchSchema,
    headers: [PREFER_WAIT_HEADER],
    responses: {
      200: written('persisted'),
      202: written('accepted'),
      400: invalid,
      404: notFound,
      409: taken,
    },
  },
  {
    method: 'delete',
    path: '/customers/:uuid',
    summary: 'Soft-delete a customer (the row stays, reads stop showing it)',
    params: uuidParamSchema,
    headers: [PREFER_WAIT_HEADER],
    responses: { 200: written('persisted'), 202: written('accepted'), 400: invalid, 404: notFound },
  },
  {
    method: 'get',
    path: '/customers/:uuid/events',
    summary: 'The customer’s change events, oldest first',
    params: uuidParamSchema,
    query: customerEventsQuerySchema,
    responses: {
      200: {
        description: 'events',
        schema: resultEnvelope('events', { type: 'array', items: changeEventSchema }),
      },
      400: invalid,
      404: notFound,
    },
  },
  bulkOperationDoc({
    path: '/customers/bulk',
    what: "customers (a taken username is that item's 409)",
    item: customerCreateSchema,
    resourceKey: 'customer',
    resource: customerSchema,
  }),
];
