import type { Context } from 'koa';
import { bulkRoute, type BulkRouteOptions } from '../http/bulk/bulk-route.js';
import { preferredWaitSeconds } from '../http/prefer-wait.js';
import type { RequestState } from '../http/request-id.js';
import { pageRoute, readOneRoute } from '../http/common-routes.js';
import { route, type Route, type RouteContext } from '../http/route-table.js';
import { answerAcceptedWrite, answerCachedRead, markCache } from '../http/write-response.js';
import { changeEventSchema, type ChangeEvent } from '../../shared/jobs/job-payloads.js';
import {
  errorAnswerSchema,
  invalidInputResponse as invalid,
  PREFER_WAIT_HEADER,
  resultEnvelope,
  writtenResponses,
} from '../../shared/openapi/envelopes.js';
import {
  customerCreateSchema,
  customerEventsQuerySchema,
  customerPatchSchema,
  customerSchema,
  legacyCustomerQuerySchema,
  uuidParamSchema,
  type CustomerCreate,
} from '../../shared/schemas/customer.schema.js';
import type { WriteMeta } from '../write-results.js';
import { newCustomerFields } from './customer-input.js';
import type { CustomerService } from './customers.service.js';

const notFound = { description: 'no such customer (or deleted)', schema: errorAnswerSchema };
const taken = {
  description: 'username already taken (even while queued)',
  schema: errorAnswerSchema,
};
const created = {
  ...writtenResponses('customer', customerSchema, { 201: 'persisted', 202: 'accepted' }),
  400: invalid,
  409: taken,
};
const changed = writtenResponses('customer', customerSchema, { 200: 'persisted', 202: 'accepted' });

/** The public form of an event: the spec's fields (the request id stays in the logs). */
function publicEvent({ requestId: _requestId, ...event }: ChangeEvent) {
  return event;
}

/** §2.4 of the spec: the customer service's routes, legacy and REST. */
export function customerRoutes(service: CustomerService, options: BulkRouteOptions): Route[] {
  const meta = (ctx: Context & { state: RequestState }): WriteMeta => ({
    requestId: ctx.state.requestId,
    waitSeconds: preferredWaitSeconds(ctx.get('Prefer'), options.preferWaitMaxSeconds),
    idempotency: ctx.state.idempotency,
  });
  async function create(ctx: RouteContext, { body }: { body: CustomerCreate }) {
    const write = await service.createCustomer(body, meta(ctx));
    answerAcceptedWrite(ctx, write, `/customers/${write.resource.uuid}`, {
      customer: write.resource,
    });
  }

  return [
    // Legacy contract: PUT creates; GET with ?uuid reads one; GET without streams every pair.
    route({
      method: 'put',
      path: '/customer',
      summary: 'Legacy: create a customer',
      body: customerCreateSchema,
      bodyTypes: ['application/json'],
      headers: [PREFER_WAIT_HEADER],
      responses: created,
      handler: create,
    }),
    route({
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
      async handler(ctx, { query: { uuid } }) {
        if (uuid === undefined) {
          ctx.type = 'application/json';
          ctx.body = service.usernamePairs();
          return;
        }
        answerCachedRead(ctx, 'customer', await service.getCustomer(uuid.toLowerCase()));
      },
    }),
    pageRoute({
      path: '/customers',
      summary: 'A page of customers, newest first',
      field: 'customers',
      item: customerSchema,
      list: (page) => service.listCustomers(page),
    }),
    route({
      method: 'post',
      path: '/customers',
      summary: 'Create a customer',
      body: customerCreateSchema,
      headers: [PREFER_WAIT_HEADER],
      responses: created,
      handler: create,
    }),
    bulkRoute(
      {
        path: '/customers/bulk',
        what: "customers (a taken username is that item's 409)",
        item: customerCreateSchema,
        resource: customerSchema,
      },
      {
        resourceKey: 'customer',
        // Schema first, then the exact income (a decimal the schema cannot judge).
        refine: newCustomerFields,
        enqueueChunk: (items, meta) => service.createCustomers(items, meta),
        completions: service.completions,
      },
      options,
    ),
    readOneRoute({
      path: '/customers/:uuid',
      summary: 'One customer',
      params: uuidParamSchema,
      field: 'customer',
      resource: customerSchema,
      notFound,
      // Upper-case uuids are the same uuids; stored ones are lower-case.
      key: 'uuid',
      read: (uuid) => service.getCustomer(uuid.toLowerCase()),
    }),
    route({
      method: 'patch',
      path: '/customers/:uuid',
      summary: 'Change some fields of a customer',
      params: uuidParamSchema,
      body: customerPatchSchema,
      headers: [PREFER_WAIT_HEADER],
      responses: { ...changed, 400: invalid, 404: notFound, 409: taken },
      async handler(ctx, { params, body }) {
        const uuid = params.uuid.toLowerCase();
        const write = await service.updateCustomer(uuid, body, meta(ctx));
        answerAcceptedWrite(ctx, write, `/customers/${uuid}`, { customer: write.resource });
      },
    }),
    route({
      method: 'delete',
      path: '/customers/:uuid',
      summary: 'Soft-delete a customer (the row stays, reads stop showing it)',
      params: uuidParamSchema,
      headers: [PREFER_WAIT_HEADER],
      responses: { ...changed, 400: invalid, 404: notFound },
      async handler(ctx, { params }) {
        const uuid = params.uuid.toLowerCase();
        const write = await service.deleteCustomer(uuid, meta(ctx));
        answerAcceptedWrite(ctx, write, `/customers/${uuid}`, { customer: write.resource });
      },
    }),
    route({
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
      async handler(ctx, { params, query }) {
        const { value, cacheHit } = await service.listEvents(params.uuid.toLowerCase(), query);
        markCache(ctx, cacheHit);
        ctx.body = { result: true, events: value.map(publicEvent) };
      },
    }),
  ];
}
