import type { Context } from 'koa';
import { answerJsonText } from '../http/json-text.js';
import { preferredWaitSeconds } from '../http/prefer-wait.js';
import { descriptorBulkRoute, type BulkRouteOptions } from '../http/bulk/bulk-route.js';
import { descriptorRoute, route, type Route } from '../http/route-table.js';
import { answerAcceptedWrite, markCache } from '../http/write-response.js';
import {
  acceptedWriteExtra,
  errorAnswerSchema,
  invalidInputResponse as invalid,
  notFoundResponse,
  oneResponses,
  PREFER_WAIT_HEADER,
  resultEnvelope,
  writtenResponses,
} from '../../shared/infra/openapi/envelopes.js';
import { writeMetaOf } from '../http/write-meta.js';
import type {
  CreatedResource,
  CreatedResourceStore,
} from '../../shared/domain/resources/created-resource.js';
import { idParamSchema } from '../../shared/domain/schemas/query.schema.js';
import type { CreatedResourceService } from './created-resource.service.js';
import type { AcceptedWrite } from '../write-results.js';

export interface CreatedResourceRoutes {
  /** `GET /<entity>/:id`: one, as cached JSON text. */
  readonly getOne: Route;
  /** `POST /<entity>`: one write, queued and answered with its id. */
  readonly create: Route;
  /** `POST /<entity>/bulk` (§7). */
  readonly bulk: Route;
  /** `PATCH /<entity>/:id`, for a resource that takes updates (§9). */
  readonly update?: Route;
  /** `DELETE /<entity>/:id`, for a resource that takes deletes (§9). */
  readonly remove?: Route;
}

export interface CreatedResourceRouteOptions extends BulkRouteOptions {
  /** The bulk operation's plural noun, when more than the entity ("people (ids generated)"). */
  readonly bulkWhat?: string;
  /** Applied to each bulk item before validation. */
  readonly normalizeBulkItem?: (item: unknown) => unknown;
}

type Descriptor<C, R> = CreatedResource<string, C, R, CreatedResourceStore<R>>;

/** `GET /<entity>/:id`: the cached JSON text spliced into the answer. */
function getOneRoute<C, R extends { id: number }>(
  resource: Descriptor<C, R>,
  service: CreatedResourceService<C, R>,
): Route {
  const { entity, resourceKey, resourceSchema } = resource;
  return route({
    method: 'get',
    path: `/${entity}/:id`,
    summary: `One ${resourceKey}`,
    params: idParamSchema,
    responses: oneResponses(resourceKey, resourceSchema, notFoundResponse(resourceKey)),
    async handler(ctx, { params }) {
      const { json, cacheHit, tag } = await service.getJson(params.id);
      markCache(ctx, cacheHit);
      answerJsonText(ctx, `{"result":true,"${resourceKey}":${json}}`, tag);
    },
  });
}

/** `POST /<entity>`: one write, queued and answered with its id. */
function createRoute<C, R extends { id: number }>(
  resource: Descriptor<C, R>,
  service: CreatedResourceService<C, R>,
  options: CreatedResourceRouteOptions,
): Route {
  const { entity, resourceKey, resourceSchema } = resource;
  const written = (description: string) => ({
    description,
    schema: resultEnvelope(resourceKey, resourceSchema, acceptedWriteExtra),
  });
  return descriptorRoute<{ body: C }>({
    method: 'post',
    path: `/${entity}`,
    summary: `Create a ${resourceKey} (queued; answered with its id)`,
    body: resource.createSchema,
    headers: [PREFER_WAIT_HEADER],
    responses: {
      201: written('persisted (Prefer: wait)'),
      202: written('accepted and queued'),
      400: invalid,
      415: { description: 'not JSON or form data', schema: errorAnswerSchema },
    },
    async handler(ctx, { body }) {
      const write = await service.enqueueWrite(body, {
        requestId: ctx.state.requestId,
        waitSeconds: preferredWaitSeconds(ctx.get('Prefer'), options.preferWaitMaxSeconds),
        idempotency: ctx.state.idempotency,
      });
      answerAcceptedWrite(ctx, write, `/${entity}/${write.resource.id}`, {
        [resourceKey]: write.resource,
      });
    },
  });
}

/** `POST /<entity>/bulk` (§7). */
function bulkCreateRoute<C, R extends { id: number }>(
  resource: Descriptor<C, R>,
  service: CreatedResourceService<C, R>,
  options: CreatedResourceRouteOptions,
): Route {
  const { entity, resourceKey, resourceSchema } = resource;
  return descriptorBulkRoute<C, C, R>(
    {
      path: `/${entity}/bulk`,
      what: options.bulkWhat ?? entity,
      item: resource.createSchema,
      resource: resourceSchema,
    },
    {
      resourceKey,
      ...(options.normalizeBulkItem && { normalize: options.normalizeBulkItem }),
      enqueueChunk: (items, meta) => service.enqueueWrites(items, meta),
      completions: service.completions,
    },
    options,
  );
}

/** What a change (PATCH, DELETE) answers: 200 once persisted (`Prefer: wait`), 202 while queued. */
function changedResponses(resourceKey: string, resourceSchema: object) {
  return {
    ...writtenResponses(resourceKey, resourceSchema, { 200: 'persisted', 202: 'accepted' }),
    400: invalid,
    404: notFoundResponse(resourceKey),
    412: { description: 'If-Match names another version', schema: errorAnswerSchema },
  };
}

/** Answers an accepted change with the resource; 201 would claim something was created. */
function answerAcceptedChange<R>(
  ctx: Context,
  write: AcceptedWrite<R>,
  location: string,
  resourceKey: string,
): void {
  answerAcceptedWrite(ctx, write, location, { [resourceKey]: write.resource });
  if (write.persisted) ctx.status = 200;
}

/**
 * `PATCH /<entity>/:id`: some fields changed, in the order accepted (§9);
 * 202 while queued, 200 once persisted (`Prefer: wait`), 412 when `If-Match`
 * names another version.
 */
function updateRoute<C, R extends { id: number }>(
  resource: Descriptor<C, R>,
  update: NonNullable<CreatedResourceService<C, R>['updateWrite']>,
  patchSchema: object,
  options: CreatedResourceRouteOptions,
): Route {
  const { entity, resourceKey, resourceSchema } = resource;
  return descriptorRoute<{ params: { id: number }; body: Partial<C> }>({
    method: 'patch',
    path: `/${entity}/:id`,
    summary: `Change some fields of a ${resourceKey}`,
    params: idParamSchema,
    body: patchSchema,
    headers: [PREFER_WAIT_HEADER],
    responses: changedResponses(resourceKey, resourceSchema),
    async handler(ctx, { params, body }) {
      const write = await update(params.id, body, writeMetaOf(ctx, options));
      answerAcceptedChange(ctx, write, `/${entity}/${params.id}`, resourceKey);
    },
  });
}

/**
 * `DELETE /<entity>/:id`: a tombstone, in the order accepted (§9), answered
 * with the resource as it was; then it answers 404.
 */
function deleteRoute<C, R extends { id: number }>(
  resource: Descriptor<C, R>,
  remove: NonNullable<CreatedResourceService<C, R>['deleteWrite']>,
  options: CreatedResourceRouteOptions,
): Route {
  const { entity, resourceKey, resourceSchema } = resource;
  return route({
    method: 'delete',
    path: `/${entity}/:id`,
    summary: `Delete a ${resourceKey}`,
    params: idParamSchema,
    headers: [PREFER_WAIT_HEADER],
    responses: changedResponses(resourceKey, resourceSchema),
    async handler(ctx, { params }) {
      const write = await remove(params.id, writeMetaOf(ctx, options));
      answerAcceptedChange(ctx, write, `/${entity}/${params.id}`, resourceKey);
    },
  });
}

/** The routes every created resource has, made from its descriptor. */
export function createdResourceRoutes<C, R extends { id: number }>(
  resource: Descriptor<C, R>,
  service: CreatedResourceService<C, R>,
  options: CreatedResourceRouteOptions,
): CreatedResourceRoutes {
  const { changes } = resource;
  const { updateWrite, deleteWrite } = service;
  return {
    getOne: getOneRoute(resource, service),
    create: createRoute(resource, service, options),
    bulk: bulkCreateRoute(resource, service, options),
    ...(changes &&
      updateWrite && {
        update: updateRoute(resource, updateWrite, changes.patchSchema, options),
      }),
    ...(changes?.deletes && deleteWrite && { remove: deleteRoute(resource, deleteWrite, options) }),
  };
}
