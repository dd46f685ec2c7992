import { compileValidator } from '../../../shared/validation/ajv.js';
import { userSchema, type User, type UserCreate } from '../../../shared/schemas/user.schema.js';
import type { CallMeta, UpstreamClient } from './upstream-client.js';
import {
  postBulk,
  readWrite,
  writeHeaders,
  type UpstreamWrite,
  type WriteMeta,
} from './upstream-write.js';
import type { BulkItemOutcome, BulkMeta } from '../../http/bulk/bulk-intake.js';

// Answers are checked field by field; extra top-level fields (job_id) are allowed.
const validateOne = compileValidator<{ user: User }>({
  type: 'object',
  required: ['user'],
  properties: { user: userSchema },
});
const validateMany = compileValidator<{ users: User[] }>({
  type: 'object',
  required: ['users'],
  properties: { users: { type: 'array', items: userSchema } },
});

/** The user service (§2.1) as the public API sees it: typed calls over HTTP. */
export function createUsersClient(upstream: UpstreamClient) {
  return {
    /** The user, or null when the user service does not know the id (yet). */
    async getUser(id: number, meta: CallMeta): Promise<User | null> {
      const answer = await upstream.request({
        method: 'GET',
        path: `/users/${id}`,
        headers: { 'x-request-id': meta.requestId },
      });
      if (answer.status === 404) return null;
      if (answer.status !== 200) throw upstream.unexpected(answer);
      return upstream.expectShape(validateOne, answer).user;
    },

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

    /** One chunk of bulk users, in one request to the user service's bulk intake. */
    async createUsers(
      inputs: readonly UserCreate[],
      meta: BulkMeta,
    ): Promise<BulkItemOutcome<User>[]> {
      return postBulk(upstream, '/users/bulk', inputs, meta, {
        key: 'user',
        validate: validateOne,
      });
    },

    async createUser(input: UserCreate, meta: WriteMeta): Promise<UpstreamWrite<User>> {
      const answer = await upstream.request({
        method: 'POST',
        path: '/users',
        json: input,
        headers: writeHeaders(meta),
        extraMs: meta.waitSeconds * 1000,
      });
      return readWrite(upstream, answer, (a) => upstream.expectShape(validateOne, a).user);
    },
  };
}

export type UsersClient = ReturnType<typeof createUsersClient>;
