import { bulkRoute, type BulkRouteOptions } from '../http/bulk/bulk-route.js';
import { writeMetaOf } from '../http/write-meta.js';
import type { RequestState } from '../http/request-id.js';
import { pageRoute, readOneRoute } from '../http/common-routes.js';
import { route, type Route } from '../http/route-table.js';
import { answerAcceptedWrite } from '../http/write-response.js';
import {
  invalidInputResponse as invalid,
  notFoundResponse,
  PREFER_WAIT_HEADER,
  writtenResponses,
} from '../../shared/infra/openapi/envelopes.js';
import {
  orderCreateSchema,
  orderIdParamSchema,
  orderPatchSchema,
  orderSchema,
} from '../../shared/domain/schemas/order.schema.js';
import type { WriteMeta } from '../write-results.js';
import { answerAcceptedChange, requireSomeChange } from './order-answers.js';
import type { OrderService } from './orders.service.js';

const notFound = notFoundResponse('order');
/** A change answers 200 once persisted (`Prefer: wait`), 202 while queued. */
const changed = {
  ...writtenResponses('order', orderSchema, { 200: 'persisted', 202: 'accepted' }),
  400: invalid,
  404: notFound,
};

/** How a write route's handler states its write: request id, wait, idempotency, `If-Match`. */
type MetaOf = (ctx: { state: RequestState; get(name: string): string }) => WriteMeta;

/** A page of orders and one order. */
function orderReadRoutes(service: OrderService): Route[] {
  return [
    pageRoute({
      path: '/orders',
      summary: 'A page of orders, newest first',
      field: 'orders',
      item: orderSchema,
      list: (page) => service.listOrders(page),
      cursorOf: (order) => [order.created_at, order.id],
    }),
    readOneRoute({
      path: '/orders/:id',
      summary: 'One order',
      params: orderIdParamSchema,
      field: 'order',
      resource: orderSchema,
      notFound,
      key: 'id',
      read: (id) => service.getOrder(id.toLowerCase()),
    }),
  ];
}

/** One create and a bulk create. */
function orderCreateRoutes(
  service: OrderService,
  options: BulkRouteOptions,
  meta: MetaOf,
): Route[] {
  return [
    route({
      method: 'post',
      path: '/orders',
      summary: 'Create an order',
      body: orderCreateSchema,
      headers: [PREFER_WAIT_HEADER],
      responses: {
        ...writtenResponses('order', orderSchema, { 201: 'persisted', 202: 'accepted' }),
        400: invalid,
      },
      async handler(ctx, { body }) {
        const write = await service.createOrder(body, meta(ctx));
        answerAcceptedWrite(ctx, write, `/orders/${write.resource.id}`, { order: write.resource });
      },
    }),
    bulkRoute(
      { path: '/orders/bulk', what: 'orders', item: orderCreateSchema, resource: orderSchema },
      {
        resourceKey: 'order',
        enqueueChunk: (items, meta) => service.createOrders(items, meta),
        completions: service.completions,
      },
      options,
    ),
  ];
}

/** Change some fields of one order, or delete it. */
function orderChangeRoutes(service: OrderService, meta: MetaOf): Route[] {
  return [
    route({
      method: 'patch',
      path: '/orders/:id',
      summary: 'Change some fields of an order',
      params: orderIdParamSchema,
      body: orderPatchSchema,
      headers: [PREFER_WAIT_HEADER],
      responses: changed,
      async handler(ctx, { params, body }) {
        const id = params.id.toLowerCase();
        requireSomeChange(body);
        const write = await service.updateOrder(id, body, meta(ctx));
        answerAcceptedChange(ctx, write, `/orders/${id}`, { order: write.resource });
      },
    }),
    route({
      method: 'delete',
      path: '/orders/:id',
      summary: 'Delete an order',
      params: orderIdParamSchema,
      headers: [PREFER_WAIT_HEADER],
      responses: changed,
      async handler(ctx, { params }) {
        const id = params.id.toLowerCase();
        const write = await service.deleteOrder(id, meta(ctx));
        answerAcceptedChange(ctx, write, `/orders/${id}`, { order: write.resource });
      },
    }),
  ];
}

/** §2.5 of the spec: the order service's REST routes. */
export function orderRoutes(service: OrderService, options: BulkRouteOptions): Route[] {
  const meta: MetaOf = (ctx) => writeMetaOf(ctx, options);
  return [
    ...orderReadRoutes(service),
    ...orderCreateRoutes(service, options, meta),
    ...orderChangeRoutes(service, meta),
  ];
}
