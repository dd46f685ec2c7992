import Router from '@koa/router';
import type { Context } from 'koa';
import type { RequestState } from '../http/request-id.js';
import { preferredWaitSeconds } from '../http/prefer-wait.js';
import { bodySource, markCache } from '../http/write-response.js';
import { ValidationError } from '../../shared/errors/index.js';
import { compileValidator } from '../../shared/validation/ajv.js';
import {
  orderCreateSchema,
  orderReplaceSchema,
  type OrderCreate,
  type OrderPatch,
  type OrderReplace,
} from '../../shared/schemas/order.schema.js';
import { orderIdOf } from './order-answers.js';
import type { OrderService } from './orders.service.js';

const validateOrderCreate = compileValidator<OrderCreate>(orderCreateSchema);
const validateOrderReplace = compileValidator<OrderReplace>(orderReplaceSchema);

const LEGACY_BASE = '/api/vehicle/order';

export interface LegacyOrderOptions {
  readonly preferWaitMaxSeconds: number;
  /** How long a legacy write waits for persistence when the client does not say (`Prefer: wait`). */
  readonly legacyWaitSeconds: number;
}

/** Legacy PUT bodies echo the document's `_id`; when present it must name the path's order. */
function changesOfReplacement(id: string, body: OrderReplace): OrderPatch {
  const { _id, id: bodyId, status, ...fields } = body;
  const named = [_id, bodyId].filter((value) => value !== undefined);
  if (named.some((value) => value.toLowerCase() !== id)) {
    throw new ValidationError(['_id does not match the order id in the path']);
  }
  return status === undefined ? fields : { ...fields, status };
}

/**
 * §2.5's legacy contract, kept: `POST /api/vehicle/order/` answers 201 with the
 * id as a JSON string, `GET …/{id}` the bare order (with `_id`, as the legacy
 * service's documents had), `PUT …/{id}` 204. The legacy writes still go
 * through the queue, but wait (bounded) for persistence before answering, so a
 * legacy client that reads right after its write finds it.
 */
export function legacyOrderRoutes(service: OrderService, options: LegacyOrderOptions) {
  const router = new Router<RequestState>();
  const meta = (ctx: Context & { state: RequestState }) => ({
    requestId: ctx.state.requestId,
    waitSeconds: ctx.get('Prefer')
      ? preferredWaitSeconds(ctx.get('Prefer'), options.preferWaitMaxSeconds)
      : options.legacyWaitSeconds,
  });
  const markWrite = (ctx: Context, write: { jobId: string; persisted: boolean }) => {
    ctx.set('X-Job-Id', write.jobId);
    if (write.persisted) ctx.set('Preference-Applied', 'wait');
  };

  // The legacy path ends in a slash; the bare path is accepted too rather than answered 404.
  router.post([`${LEGACY_BASE}/`, LEGACY_BASE], async (ctx) => {
    const input = validateOrderCreate(ctx.request.body, bodySource(ctx));
    const write = await service.createOrder(input, meta(ctx));
    markWrite(ctx, write);
    ctx.status = 201;
    ctx.set('Location', `${LEGACY_BASE}/${write.resource.id}`);
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(write.resource.id);
  });

  router.get(`${LEGACY_BASE}/:id`, async (ctx) => {
    const { value, cacheHit } = await service.getOrder(orderIdOf(ctx));
    markCache(ctx, cacheHit);
    ctx.body = { _id: value.id, ...value };
  });

  router.put(`${LEGACY_BASE}/:id`, async (ctx) => {
    const id = orderIdOf(ctx);
    const body = validateOrderReplace(ctx.request.body, bodySource(ctx));
    const write = await service.updateOrder(id, changesOfReplacement(id, body), meta(ctx));
    markWrite(ctx, write);
    ctx.status = 204;
  });

  return router;
}
