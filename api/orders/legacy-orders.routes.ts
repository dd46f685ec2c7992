import type { Context } from 'koa';
import { writeMetaOf } from '../http/write-meta.js';
import type { RequestState } from '../http/request-id.js';
import { route, type Route, type RouteContext } from '../http/route-table.js';
import { markCache, tagVersion } from '../http/write-response.js';
import { ValidationError } from '../../shared/domain/errors/index.js';
import {
  invalidInputResponse as invalid,
  notFoundResponse,
} from '../../shared/infra/openapi/envelopes.js';
import {
  orderCreateSchema,
  orderIdParamSchema,
  orderReplaceSchema,
  orderSchema,
  type OrderCreate,
  type OrderPatch,
  type OrderReplace,
} from '../../shared/domain/schemas/order.schema.js';
import type { WriteMeta } from '../write-results.js';
import type { OrderService } from './orders.service.js';

const LEGACY_BASE = '/api/vehicle/order';

/** The legacy service's documents: the order with its `_id`. */
const legacyOrder = {
  ...orderSchema,
  properties: { _id: { type: 'string' }, ...orderSchema.properties },
};

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

/** How a legacy write states itself: it waits (bounded) for persistence unless `Prefer` says otherwise. */
type MetaOf = (ctx: Context & { state: RequestState }) => WriteMeta;

const notFound = notFoundResponse('order');

/** The job id, and whether the write waited until persisted. */
function markWrite(ctx: Context, write: { jobId: string; persisted: boolean }): void {
  ctx.set('X-Job-Id', write.jobId);
  if (write.persisted) ctx.set('Preference-Applied', 'wait');
}

/** `POST /api/vehicle/order/` (and without the slash): 201 with the new id as a JSON string. */
function legacyCreateRoutes(service: OrderService, meta: MetaOf): Route[] {
  async function create(ctx: RouteContext, { body }: { body: OrderCreate }) {
    const write = await service.createOrder(body, meta(ctx));
    markWrite(ctx, write);
    ctx.status = 201;
    ctx.set('Location', `${LEGACY_BASE}/${write.resource.id}`);
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(write.resource.id);
  }
  const created = {
    201: { description: 'the new id, as a JSON string', schema: { type: 'string' } },
    400: invalid,
  };
  return [
    route({
      method: 'post',
      path: `${LEGACY_BASE}/`,
      summary:
        'Legacy: create an order; answers 201 with its id once persisted (or after a short wait)',
      body: orderCreateSchema,
      responses: created,
      handler: create,
    }),
    // The legacy path ends in a slash; the bare path is accepted too rather than answered 404.
    route({
      method: 'post',
      path: LEGACY_BASE,
      summary: `Legacy: the same as POST ${LEGACY_BASE}/, for clients that drop the slash`,
      body: orderCreateSchema,
      responses: created,
      handler: create,
    }),
  ];
}

/** `GET /api/vehicle/order/:id`: the bare order, with `_id`. */
function legacyReadRoute(service: OrderService): Route {
  return route({
    method: 'get',
    path: `${LEGACY_BASE}/:id`,
    summary: 'Legacy: one order',
    params: orderIdParamSchema,
    responses: {
      200: { description: 'the order (with _id)', schema: legacyOrder },
      400: invalid,
      404: notFound,
    },
    async handler(ctx, { params }) {
      const { value, cacheHit } = await service.getOrder(params.id.toLowerCase());
      markCache(ctx, cacheHit);
      tagVersion(ctx, value);
      ctx.body = { _id: value.id, ...value };
    },
  });
}

/** `PUT /api/vehicle/order/:id`: replaces the order's fields, 204. */
function legacyReplaceRoute(service: OrderService, meta: MetaOf): Route {
  return route({
    method: 'put',
    path: `${LEGACY_BASE}/:id`,
    summary: 'Legacy: replace an order’s fields',
    params: orderIdParamSchema,
    body: orderReplaceSchema,
    responses: {
      204: {
        description: 'replaced (queued); `ETag` is the version the order has once it lands',
      },
      400: invalid,
      404: notFound,
    },
    async handler(ctx, { params, body }) {
      const id = params.id.toLowerCase();
      const write = await service.updateOrder(id, changesOfReplacement(id, body), meta(ctx));
      markWrite(ctx, write);
      // No body to carry it: the version this replacement became (§9) is the entity tag.
      ctx.set('ETag', `"${write.resource.version}"`);
      ctx.status = 204;
    },
  });
}

/**
 * §2.5's legacy contract, kept: `POST /api/vehicle/order/` answers 201 with the
 * id as a JSON string, `GET …/{id}` the bare order (with `_id`, as the legacy
 * service's documents had), `PUT …/{id}` 204. The legacy writes still go
 * through the queue, but wait (bounded) for persistence before answering, so a
 * legacy client that reads right after its write finds it.
 */
export function legacyOrderRoutes(service: OrderService, options: LegacyOrderOptions): Route[] {
  const meta: MetaOf = (ctx) =>
    writeMetaOf(ctx, {
      preferWaitMaxSeconds: options.preferWaitMaxSeconds,
      defaultWaitSeconds: options.legacyWaitSeconds,
    });
  return [
    ...legacyCreateRoutes(service, meta),
    legacyReadRoute(service),
    legacyReplaceRoute(service, meta),
  ];
}
