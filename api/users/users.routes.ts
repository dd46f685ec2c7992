import Router from '@koa/router';
import type { RequestState } from '../http/request-id.js';
import { preferredWaitSeconds } from '../http/prefer-wait.js';
import { answerJsonText } from '../http/json-text.js';
import { answerAcceptedWrite, bodySource, markCache } from '../http/write-response.js';
import { compileValidator } from '../../shared/validation/ajv.js';
import { rememberValid } from '../../shared/validation/remember-valid.js';
import { userCreateSchema, type UserCreate } from '../../shared/schemas/user.schema.js';
import {
  idParamSchema,
  userQuerySchema,
  type IdParam,
  type UserQuery,
} from '../../shared/schemas/query.schema.js';
import { ValidationError } from '../../shared/errors/index.js';
import type { UserService } from './users.service.js';
import { bulkIntake, type BulkRouteOptions } from '../http/bulk/bulk-route.js';

const validateUserCreate = compileValidator<UserCreate>(userCreateSchema);
const validateUserQuery = compileValidator<UserQuery>(userQuerySchema, 'parameter');
const validateId = rememberValid(compileValidator<IdParam>(idParamSchema, 'parameter'));

/** `1,2,3` (already checked by the schema) → distinct ids in the order given. */
function parseIds(ids: string): number[] {
  return [...new Set(ids.split(',').map(Number))];
}

/** Bulk intake of users (§7); its body is streamed, not parsed by the shared body parser. */
export const USERS_BULK_PATH = '/users/bulk';

/** §2.1 of the spec: the user service's routes. */
export function userRoutes(service: UserService, options: BulkRouteOptions) {
  const router = new Router<RequestState>();

  router.get('/users', async (ctx) => {
    const { ids, ...page } = validateUserQuery({ ...ctx.query });
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
    const { json, cacheHit } = await service.listUsers(page);
    markCache(ctx, cacheHit);
    // The same text as `{ result: true, users }` serialized, without parsing the cached page.
    answerJsonText(ctx, `{"result":true,"users":${json}}`);
  });

  router.get('/users/:id', async (ctx) => {
    const { id } = validateId(ctx.params.id ?? '', () => ({ id: ctx.params.id }));
    const { json, cacheHit } = await service.getUser(id);
    markCache(ctx, cacheHit);
    answerJsonText(ctx, `{"result":true,"user":${json}}`);
  });

  router.post('/users', async (ctx) => {
    const input = validateUserCreate(ctx.request.body, bodySource(ctx));
    const write = await service.enqueueUserWrite(input, {
      requestId: ctx.state.requestId,
      waitSeconds: preferredWaitSeconds(ctx.get('Prefer'), options.preferWaitMaxSeconds),
    });
    answerAcceptedWrite(ctx, write, `/users/${write.resource.id}`, { user: write.resource });
  });

  router.post(
    USERS_BULK_PATH,
    bulkIntake(
      {
        resourceKey: 'user',
        validate: validateUserCreate,
        enqueueChunk: (items, meta) => service.enqueueUserWrites(items, meta),
        completions: service.completions,
      },
      options,
    ),
  );

  return router;
}
