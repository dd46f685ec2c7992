import type { UserRepository } from '../../shared/domain/repositories/user.repository.js';
import { usersResource } from '../../shared/domain/resources/users.resource.js';
import type { PageQuery } from '../../shared/domain/schemas/query.schema.js';
import type { User } from '../../shared/domain/schemas/user.schema.js';
import {
  createCreatedResourceService,
  type CreatedResourceDeps,
} from '../resources/created-resource.service.js';
import type { CachedJson, CachedRead } from '../write-results.js';

/** Users (§2.1): the created-resource service, plus the batch look-up the public API uses. */
export function createUserService(deps: CreatedResourceDeps<'user', User, UserRepository>) {
  const users = createCreatedResourceService(usersResource, deps);
  return {
    ...users,

    /**
     * The users with these ids, in the order asked; ids with no user are left
     * out. Cached under the sorted ids, so the same set in any order shares an entry.
     */
    async findUsers(ids: readonly number[]): Promise<CachedRead<User[]>> {
      const sorted = [...ids].sort((a, b) => a - b);
      const { value, cacheHit } = await users.read(['ids', sorted.join(',')], () =>
        deps.store.findByIds(sorted),
      );
      const byId = new Map(value.map((user) => [user.id, user]));
      const found = ids.flatMap((id) => {
        const user = byId.get(id);
        return user ? [user] : [];
      });
      return { value: found, cacheHit };
    },

    /** A page of users as JSON text (an array). */
    listUsers(page: PageQuery): Promise<CachedJson> {
      return users.readJson(['page', page.page_num, page.page_size, page.after ?? ''], () =>
        deps.store.listPage(page),
      );
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
