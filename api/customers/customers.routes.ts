import Router from '@koa/router';
import type { Context } from 'koa';
import type { RequestState } from '../http/request-id.js';
import { preferredWaitSeconds } from '../http/prefer-wait.js';
import { answerAcceptedWrite, bodySource, markCache } from '../http/write-response.js';
import { compileValidator } from '../../shared/validation/ajv.js';
import type { ChangeEvent } from '../../shared/jobs/job-payloads.js';
import {
  customerCreateSchema,
  customerEventsQuerySchema,
  customerPatchSchema,
  legacyCustomerQuerySchema,
  uuidParamSchema,
  type CustomerCreate,
  type CustomerEventsQuery,
  type CustomerPatch,
  type LegacyCustomerQuery,
  type UuidParam,
} from '../../shared/schemas/customer.schema.js';
import { pageQuerySchema, type PageQuery } from '../../shared/schemas/query.schema.js';
import type { CustomerService, WriteMeta } from './customers.service.js';
import { newCustomerFields } from './customer-input.js';
import { bulkIntake, type BulkRouteOptions } from '../http/bulk/bulk-route.js';

const validateCreate = compileValidator<CustomerCreate>(customerCreateSchema);
const validatePatch = compileValidator<CustomerPatch>(customerPatchSchema);
const validatePage = compileValidator<PageQuery>(pageQuerySchema, 'parameter');
const validateEventsPage = compileValidator<CustomerEventsQuery>(
  customerEventsQuerySchema,
  'parameter',
);
const validateUuid = compileValidator<UuidParam>(uuidParamSchema, 'parameter');
const validateLegacyQuery = compileValidator<LegacyCustomerQuery>(
  legacyCustomerQuerySchema,
  'parameter',
);

/** Upper-case uuids are the same uuids; stored ones are lower-case. */
function uuidParam(ctx: Context & { params: Record<string, string> }): string {
  return validateUuid({ uuid: ctx.params.uuid }).uuid.toLowerCase();
}

/** The public form of an event: the spec's fields (the request id stays in the logs). */
function publicEvent({ requestId: _requestId, ...event }: ChangeEvent) {
  return event;
}

/** Bulk intake of customers (§7); its body is streamed, not parsed by the shared body parser. */
export const CUSTOMERS_BULK_PATH = '/customers/bulk';

/** §2.4 of the spec: the customer service's routes, legacy and REST. */
export function customerRoutes(service: CustomerService, options: BulkRouteOptions) {
  const router = new Router<RequestState>();
  const meta = (ctx: Context & { state: RequestState }): WriteMeta => ({
    requestId: ctx.state.requestId,
    waitSeconds: preferredWaitSeconds(ctx.get('Prefer'), options.preferWaitMaxSeconds),
  });
  const create = async (ctx: Context & { state: RequestState }) => {
    const input = validateCreate(ctx.request.body, bodySource(ctx));
    const write = await service.createCustomer(input, meta(ctx));
    answerAcceptedWrite(ctx, write, `/customers/${write.resource.uuid}`, {
      customer: write.resource,
    });
  };

  // Legacy contract: PUT creates; GET with ?uuid reads one; GET without streams every pair.
  router.put('/customer', create);
  router.get('/customer', async (ctx) => {
    const { uuid } = validateLegacyQuery({ ...ctx.query });
    if (uuid === undefined) {
      ctx.type = 'application/json';
      ctx.body = service.usernamePairs();
      return;
    }
    const { value, cacheHit } = await service.getCustomer(uuid.toLowerCase());
    markCache(ctx, cacheHit);
    ctx.body = { result: true, customer: value };
  });

  router.get('/customers', async (ctx) => {
    const { value, cacheHit } = await service.listCustomers(validatePage({ ...ctx.query }));
    markCache(ctx, cacheHit);
    ctx.body = { result: true, customers: value };
  });
  router.post('/customers', create);
  router.post(
    CUSTOMERS_BULK_PATH,
    bulkIntake(
      {
        resourceKey: 'customer',
        // Schema first, then the exact income (a decimal the schema cannot judge).
        validate: (item, source) => newCustomerFields(validateCreate(item, source)),
        enqueueChunk: (items, meta) => service.createCustomers(items, meta),
        completions: service.completions,
      },
      options,
    ),
  );
  router.get('/customers/:uuid', async (ctx) => {
    const { value, cacheHit } = await service.getCustomer(uuidParam(ctx));
    markCache(ctx, cacheHit);
    ctx.body = { result: true, customer: value };
  });
  router.patch('/customers/:uuid', async (ctx) => {
    const uuid = uuidParam(ctx);
    const patch = validatePatch(ctx.request.body, bodySource(ctx));
    const write = await service.updateCustomer(uuid, patch, meta(ctx));
    answerAcceptedWrite(ctx, write, `/customers/${uuid}`, { customer: write.resource });
  });
  router.delete('/customers/:uuid', async (ctx) => {
    const uuid = uuidParam(ctx);
    const write = await service.deleteCustomer(uuid, meta(ctx));
    answerAcceptedWrite(ctx, write, `/customers/${uuid}`, { customer: write.resource });
  });
  router.get('/customers/:uuid/events', async (ctx) => {
    const uuid = uuidParam(ctx);
    const { value, cacheHit } = await service.listEvents(
      uuid,
      validateEventsPage({ ...ctx.query }),
    );
    markCache(ctx, cacheHit);
    ctx.body = { result: true, events: value.map(publicEvent) };
  });

  return router;
}
