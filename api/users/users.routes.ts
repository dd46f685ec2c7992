import Router from '@koa/router';
import type { RequestState } from '../http/request-id.js';
import { preferredWaitSeconds } from '../http/prefer-wait.js';
import { answerAcceptedWrite, bodySource, markCache } from '../http/write-response.js';
import { compileValidator } from '../../shared/validation/ajv.js';
import { userCreateSchema, type UserCreate } from '../../shared/schemas/user.schema.js';
import {
  idParamSchema,
  pageQuerySchema,
  type IdParam,
  type PageQuery,
} from '../../shared/schemas/query.schema.js';
import type { UserService } from './users.service.js';

const validateUserCreate = compileValidator<UserCreate>(userCreateSchema);
const validatePage = compileValidator<PageQuery>(pageQuerySchema, 'parameter');
const validateId = compileValidator<IdParam>(idParamSchema, 'parameter');

/** §2.1 of the spec: the user service's routes. */
export function userRoutes(service: UserService, options: { preferWaitMaxSeconds: number }) {
  const router = new Router<RequestState>();

  router.get('/users', async (ctx) => {
    const { value, cacheHit } = await service.listUsers(validatePage({ ...ctx.query }));
    markCache(ctx, cacheHit);
    ctx.body = { result: true, users: value };
  });

  router.get('/users/:id', async (ctx) => {
    const { id } = validateId({ id: ctx.params.id });
    const { value, cacheHit } = await service.getUser(id);
    markCache(ctx, cacheHit);
    ctx.body = { result: true, user: value };
  });

  router.post('/users', async (ctx) => {
    const input = validateUserCreate(ctx.request.body, bodySource(ctx));
    const write = await service.enqueueUserWrite(input, {
      requestId: ctx.state.requestId,
      waitSeconds: preferredWaitSeconds(ctx.get('Prefer'), options.preferWaitMaxSeconds),
    });
    answerAcceptedWrite(ctx, write, `/users/${write.resource.id}`, { user: write.resource });
  });

  return router;
}
