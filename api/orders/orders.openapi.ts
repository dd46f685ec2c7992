import { bulkOperationDoc } from '../../shared/openapi/bulk-operation.js';
import {
  acceptedWriteExtra,
  invalidInputResponse,
  notFoundResponse,
  PREFER_WAIT_HEADER,
  resultEnvelope,
} from '../../shared/openapi/envelopes.js';
import type { OperationDoc } from '../../shared/openapi/openapi-document.js';
import {
  orderCreateSchema,
  orderIdParamSchema,
  orderPatchSchema,
  orderReplaceSchema,
  orderSchema,
} from '../../shared/schemas/order.schema.js';
import { pageQuerySchema } from '../../shared/schemas/query.schema.js';

const invalid = invalidInputResponse;
const notFound = notFoundResponse('order');
const written = (description: string) => ({
  description,
  schema: resultEnvelope('order', orderSchema, acceptedWriteExtra),
});
const legacyOrder = {
  ...orderSchema,
  properties: { _id: { type: 'string' }, ...orderSchema.properties },
};

/** The order service's operations, REST and legacy, documented from the validating schemas. */
export const ORDER_OPERATIONS: readonly OperationDoc[] = [
  {
    method: 'get',
    path: '/orders',
    summary: 'A page of orders, newest first',
    query: pageQuerySchema,
    responses: {
      200: {
        description: 'orders',
        schema: resultEnvelope('orders', { type: 'array', items: orderSchema }),
      },
      400: invalid,
    },
  },
  {
    method: 'get',
    path: '/orders/:id',
    summary: 'One order',
    params: orderIdParamSchema,
    responses: {
      200: { description: 'the order', schema: resultEnvelope('order', orderSchema) },
      400: invalid,
      404: notFound,
    },
  },
  {
    method: 'post',
    path: '/orders',
    summary: 'Create an order',
    body: orderCreateSchema,
    headers: [PREFER_WAIT_HEADER],
    responses: { 201: written('persisted'), 202: written('accepted'), 400: invalid },
  },
  {
    method: 'patch',
    path: '/orders/:id',
    summary: 'Change some fields of an order',
    params: orderIdParamSchema,
    body: orderPatchSchema,
    headers: [PREFER_WAIT_HEADER],
    responses: { 200: written('persisted'), 202: written('accepted'), 400: invalid, 404: notFound },
  },
  {
    method: 'delete',
    path: '/orders/:id',
    summary: 'Delete an order',
    params: orderIdParamSchema,
    headers: [PREFER_WAIT_HEADER],
    responses: { 200: written('persisted'), 202: written('accepted'), 400: invalid, 404: notFound },
  },
  {
    method: 'post',
    path: '/api/vehicle/order/',
    summary:
      'Legacy: create an order; answers 201 with its id once persisted (or after a short wait)',
    body: orderCreateSchema,
    responses: {
      201: { description: 'the new id, as a JSON string', schema: { type: 'string' } },
      400: invalid,
    },
  },
  {
    method: 'post',
    path: '/api/vehicle/order',
    summary: 'Legacy: the same as POST /api/vehicle/order/, for clients that drop the slash',
    body: orderCreateSchema,
    responses: {
      201: { description: 'the new id, as a JSON string', schema: { type: 'string' } },
      400: invalid,
    },
  },
  {
    method: 'get',
    path: '/api/vehicle/order/:id',
    summary: 'Legacy: one order',
    params: orderIdParamSchema,
    responses: {
      200: { description: 'the order (with _id)', schema: legacyOrder },
      400: invalid,
      404: notFound,
    },
  },
  {
    method: 'put',
    path: '/api/vehicle/order/:id',
    summary: 'Legacy: replace an order’s fields',
    params: orderIdParamSchema,
    body: orderReplaceSchema,
    responses: { 204: { description: 'replaced (queued)' }, 400: invalid, 404: notFound },
  },
  bulkOperationDoc({
    path: '/orders/bulk',
    what: 'orders',
    item: orderCreateSchema,
    resourceKey: 'order',
    resource: orderSchema,
  }),
];
