import type { User } from '../schemas/user.schema.js';
import type { PageQuery } from '../schemas/query.schema.js';
import { CreatedResourceRepository } from './created-resource.repository.js';
import { NEWEST_FIRST } from './page-window.js';

/** The `users` table: the created-resource reads and writes, plus its page. */
export class UserRepository extends CreatedResourceRepository<User> {
  /** Newest first; ties broken by id, newest first too. By number, or after a cursor (keyset). */
  listPage(page: PageQuery): Promise<User[]> {
    return this.page(page, NEWEST_FIRST);
  }
}
