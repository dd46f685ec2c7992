import type { Context } from 'koa';
import { bulkRoute, type BulkRouteOptions } from '../http/bulk/bulk-route.js';
import { writeMetaOf } from '../http/write-meta.js';
import type { RequestState } from '../http/request-id.js';
import { pageRoute, readOneRoute } from '../http/common-routes.js';
import { route, type Route, type RouteContext } from '../http/route-table.js';
import { answerAcceptedWrite, markCache, tagVersion } from '../http/write-response.js';
import { changeEventSchema, type ChangeEvent } from '../../shared/domain/writes/write-jobs.js';
import {
  errorAnswerSchema,
  invalidInputResponse as invalid,
  PREFER_WAIT_HEADER,
  resultEnvelope,
  writtenResponses,
} from '../../shared/infra/openapi/envelopes.js';
import {
  customerCreateSchema,
  customerEventsQuerySchema,
  customerPatchSchema,
  customerSchema,
  legacyCustomerQuerySchema,
  uuidParamSchema,
  type Customer,
  type CustomerCreate,
} from '../../shared/domain/schemas/customer.schema.js';
import type { WriteMeta } from '../write-results.js';
import { newCustomerFields } from './customer-input.js';
import type { CustomerService } from './customers.service.js';
import { itemsOf, linkNextPage } from '../http/next-page.js';

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

/** `created_at` (µs) as the seed's `created`: its day, `YYYY-MM-DD`, in UTC. */
function createdDay(createdAtMicros: number): string {
  return new Date(Math.floor(createdAtMicros / 1000)).toISOString().slice(0, 10);
}

/** The seed's `GET /customer?uuid=` shape: the customer at the top level, with `created`. */
function legacyCustomer(customer: Customer) {
  return { ...customer, created: createdDay(customer.created_at) };
}

const legacyCustomerSchema = {
  type: 'object',
  required: [...customerSchema.required, 'created'],
  properties: {
    ...customerSchema.properties,
    created: { type: 'string', format: 'date', description: 'the day created_at falls on (UTC)' },
  },
} as const;

/** The seed's `PUT /customer` answer: the request's fields, `uuid` added. */
const legacyCreatedSchema = {
  type: 'object',
  required: ['uuid', 'username', 'address', 'income'],
  properties: { ...customerCreateSchema.properties, uuid: customerSchema.properties.uuid },
} as const;

/** The public form of an event: the spec's fields (the request id stays in the logs). */
function publicEvent({ requestId: _requestId, ...event }: ChangeEvent) {
  return event;
}

/** How a route's handler states its write: request id, wait, idempotency, `If-Match`. */
type MetaOf = (ctx: Context & { state: RequestState }) => WriteMeta;

/** Legacy `PUT /customer`: creates, and answers the request's fields with `uuid` added. */
function legacyCreateRoute(service: CustomerService, legacyMeta: MetaOf): Route {
  return route({
    method: 'put',
    path: '/customer',
    summary:
      'Legacy: create a customer; answers the request’s fields with `uuid` added (a body without Content-Type is read as JSON)',
    body: customerCreateSchema,
    bodyTypes: ['application/json'],
    jsonWithoutContentType: true,
    headers: [PREFER_WAIT_HEADER],
    responses: {
      201: { description: 'persisted (Prefer: wait)', schema: legacyCreatedSchema },
      202: { description: 'accepted', schema: legacyCreatedSchema },
      400: invalid,
      409: taken,
    },
    async handler(ctx, { body }) {
      const write = await service.createCustomer(body, legacyMeta(ctx));
      answerAcceptedWrite(ctx, write, `/customers/${write.resource.uuid}`, {});
      ctx.body = { ...body, uuid: write.resource.uuid };
    },
  });
}

/** Legacy `GET /customer`: with `?uuid` one customer, without every uuid → username pair, streamed. */
function legacyReadRoute(service: CustomerService): Route {
  return route({
    method: 'get',
    path: '/customer',
    summary: 'Legacy: one customer by ?uuid, or (no uuid) every uuid → username pair, streamed',
    query: legacyCustomerQuerySchema,
    responses: {
      200: {
        description:
          'with ?uuid: the customer at the top level, `created` its day (YYYY-MM-DD, UTC); without: an object of uuid → username',
        schema: { anyOf: [legacyCustomerSchema, { type: 'object' }] },
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
      const { value, cacheHit } = await service.getCustomer(uuid.toLowerCase());
      markCache(ctx, cacheHit);
      tagVersion(ctx, value);
      ctx.body = legacyCustomer(value);
    },
  });
}

/** `/customers`: a page, one create, a bulk create. */
function customerCollectionRoutes(
  service: CustomerService,
  options: BulkRouteOptions,
  meta: MetaOf,
): Route[] {
  async function create(ctx: RouteContext, { body }: { body: CustomerCreate }) {
    const write = await service.createCustomer(body, meta(ctx));
    answerAcceptedWrite(ctx, write, `/customers/${write.resource.uuid}`, {
      customer: write.resource,
    });
  }
  return [
    pageRoute({
      path: '/customers',
      summary: 'A page of customers, newest first',
      field: 'customers',
      item: customerSchema,
      list: (page) => service.listCustomers(page),
      cursorOf: (customer) => [customer.created_at, customer.uuid],
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
  ];
}

/** `/customers/:uuid`: read, change, soft-delete one customer. */
function customerItemRoutes(service: CustomerService, meta: MetaOf): Route[] {
  return [
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
  ];
}

/** `GET /customers/:uuid/events`: the customer's change events, paged by version. */
function customerEventsRoute(service: CustomerService): Route {
  return route({
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
      linkNextPage(ctx, query, itemsOf(value), (event: ChangeEvent) => [event.version]);
      ctx.body = { result: true, events: value.map(publicEvent) };
    },
  });
}

/** §2.4 of the spec: the customer service's routes, legacy and REST. */
export function customerRoutes(
  service: CustomerService,
  options: BulkRouteOptions & { readonly legacyWaitSeconds: number },
): Route[] {
  const meta: MetaOf = (ctx) => writeMetaOf(ctx, options);
  // The seed's client reads right after it writes: its PUT waits (bounded) for persistence.
  const legacyMeta: MetaOf = (ctx) =>
    writeMetaOf(ctx, { ...options, defaultWaitSeconds: options.legacyWaitSeconds });
  return [
    // Legacy contract, in the seed service's own shapes (§2.4): PUT creates; GET with ?uuid
    // reads one; GET without streams every pair.
    legacyCreateRoute(service, legacyMeta),
    legacyReadRoute(service),
    ...customerCollectionRoutes(service, options, meta),
    ...customerItemRoutes(service, meta),
    customerEventsRoute(service),
  ];
}
