import { compileValidator } from '../../../shared/infra/validation/ajv.js';
import {
  userSchema,
  type User,
  type UserCreate,
} from '../../../shared/domain/schemas/user.schema.js';
import { createdResourceClient } from './created-resource.client.js';
import type { CallMeta, UpstreamClient } from './upstream-client.js';

const validateMany = compileValidator<{ users: User[] }>({
  type: 'object',
  required: ['users'],
  properties: { users: { type: 'array', items: userSchema } },
});

/** The user service (§2.1) as the public API sees it: typed calls over HTTP. */
export function createUsersClient(upstream: UpstreamClient) {
  const users = createdResourceClient<'user', UserCreate, User>(upstream, {
    entity: 'users',
    resourceKey: 'user',
    resourceSchema: userSchema,
  });
  return {
    getUser: users.getOne,
    createUser: users.createOne,
    createUsers: users.createMany,

    /** Every known user among `ids` (≤ 100, distinct), in one request. */
    async findUsers(ids: readonly number[], meta: CallMeta): Promise<User[]> {
      if (ids.length === 0) return [];
      const answer = await upstream.request({
        method: 'GET',
        path: '/users',
        query: { ids: ids.join(',') },
        headers: { 'x-request-id': meta.requestId },
      });
      if (answer.status !== 200) throw upstream.unexpected(answer);
      return upstream.expectShape(validateMany, answer).users;
    },
  };
}

export type UsersClient = ReturnType<typeof createUsersClient>;
