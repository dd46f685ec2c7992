import Router from '@koa/router';
import type { RequestState } from '../http/request-id.js';
import { preferredWaitSeconds } from '../http/prefer-wait.js';
import { answerAcceptedWrite, bodySource, markCache } from '../http/write-response.js';
import { compileValidator } from '../../shared/validation/ajv.js';
import {
  orderCreateSchema,
  orderPatchSchema,
  type OrderCreate,
  type OrderPatch,
} from '../../shared/schemas/order.schema.js';
import { pageQuerySchema, type PageQuery } from '../../shared/schemas/query.schema.js';
import { answerAcceptedChange, orderIdOf, requireSomeChange } from './order-answers.js';
import type { OrderService } from './orders.service.js';
import { bulkIntake, type BulkRouteOptions } from '../http/bulk/bulk-route.js';

const validateOrderCreate = compileValidator<OrderCreate>(orderCreateSchema);
const validateOrderPatch = compileValidator<OrderPatch>(orderPatchSchema);
const validatePage = compileValidator<PageQuery>(pageQuerySchema, 'parameter');

/** Bulk intake of orders (§7); its body is streamed, not parsed by the shared body parser. */
export const ORDERS_BULK_PATH = '/orders/bulk';

/** §2.5 of the spec: the order service's REST routes. */
export function orderRoutes(service: OrderService, options: BulkRouteOptions) {
  const router = new Router<RequestState>();
  const meta = (ctx: { state: RequestState; get(name: string): string }) => ({
    requestId: ctx.state.requestId,
    waitSeconds: preferredWaitSeconds(ctx.get('Prefer'), options.preferWaitMaxSeconds),
  });

  router.get('/orders', async (ctx) => {
    const { value, cacheHit } = await service.listOrders(validatePage({ ...ctx.query }));
    markCache(ctx, cacheHit);
    ctx.body = { result: true, orders: value };
  });

  router.get('/orders/:id', async (ctx) => {
    const { value, cacheHit } = await service.getOrder(orderIdOf(ctx));
    markCache(ctx, cacheHit);
    ctx.body = { result: true, order: value };
  });

  router.post('/orders', async (ctx) => {
    const input = validateOrderCreate(ctx.request.body, bodySource(ctx));
    const write = await service.createOrder(input, meta(ctx));
    answerAcceptedWrite(ctx, write, `/orders/${write.resource.id}`, { order: write.resource });
  });

  router.post(
    ORDERS_BULK_PATH,
    bulkIntake(
      {
        resourceKey: 'order',
        validate: validateOrderCreate,
        enqueueChunk: (items, meta) => service.createOrders(items, meta),
        completions: service.completions,
      },
      options,
    ),
  );

  router.patch('/orders/:id', async (ctx) => {
    const id = orderIdOf(ctx);
    const changes = validateOrderPatch(ctx.request.body, bodySource(ctx));
    requireSomeChange(changes);
    const write = await service.updateOrder(id, changes, meta(ctx));
    answerAcceptedChange(ctx, write, `/orders/${id}`, { order: write.resource });
  });

  router.delete('/orders/:id', async (ctx) => {
    const id = orderIdOf(ctx);
    const write = await service.deleteOrder(id, meta(ctx));
    answerAcceptedChange(ctx, write, `/orders/${id}`, { order: write.resource });
  });

  return router;
}
