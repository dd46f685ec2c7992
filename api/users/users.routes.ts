import { answerJsonText } from '../http/json-text.js';
import type { BulkRouteOptions } from '../http/bulk/bulk-route.js';
import { route, type Route } from '../http/route-table.js';
import { itemsOfJson, linkNextPage } from '../http/next-page.js';
import { markCache } from '../http/write-response.js';
import { createdResourceRoutes } from '../resources/created-resource.routes.js';
import { ValidationError } from '../../shared/domain/errors/index.js';
import {
  invalidInputResponse as invalid,
  resultEnvelope,
} from '../../shared/infra/openapi/envelopes.js';
import { usersResource } from '../../shared/domain/resources/users.resource.js';
import { userQuerySchema } from '../../shared/domain/schemas/query.schema.js';
import { userSchema, type User } from '../../shared/domain/schemas/user.schema.js';
import type { UserService } from './users.service.js';

/** `1,2,3` (already checked by the schema) → distinct ids in the order given. */
function parseIds(ids: string): number[] {
  return [...new Set(ids.split(',').map(Number))];
}

/** §2.1 of the spec: the user service's routes. */
export function userRoutes(service: UserService, options: BulkRouteOptions): Route[] {
  const generic = createdResourceRoutes(usersResource, service, options);
  return [
    route({
      method: 'get',
      path: '/users',
      summary: 'A page of users, newest first; or, with ids=1,2,3, those users',
      query: userQuerySchema,
      responses: {
        200: {
          description: 'users',
          schema: resultEnvelope('users', { type: 'array', items: userSchema }),
        },
        400: invalid,
      },
      async handler(ctx, { query: { ids, ...page } }) {
        if (
          ids !== undefined &&
          (ctx.query.page_num !== undefined || ctx.query.page_size !== undefined)
        ) {
          throw new ValidationError(['ids cannot be combined with page_num or page_size']);
        }
        if (ids !== undefined) {
          const { value, cacheHit } = await service.findUsers(parseIds(ids));
          markCache(ctx, cacheHit);
          ctx.body = { result: true, users: value };
          return;
        }
        const { json, cacheHit, tag } = await service.listUsers(page);
        markCache(ctx, cacheHit);
        linkNextPage(ctx, page, itemsOfJson(json), (user: User) => [user.created_at, user.id]);
        // The same text as `{ result: true, users }` serialized, without parsing the cached page.
        answerJsonText(ctx, `{"result":true,"users":${json}}`, tag);
      },
    }),
    generic.getOne,
    generic.create,
    generic.bulk,
  ];
}
