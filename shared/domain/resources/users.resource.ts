import { persistUserJobSchema } from '../writes/write-jobs.js';
import { UserRepository } from '../repositories/user.repository.js';
import {
  userCreateSchema,
  userSchema,
  type User,
  type UserCreate,
} from '../schemas/user.schema.js';
import { createdResource } from './created-resource.js';

/** §2.1: a user; its id comes from the users counter, its times from the API's clock. */
export const usersResource = createdResource<'user', UserCreate, User, UserRepository>({
  entity: 'users',
  resourceKey: 'user',
  createSchema: userCreateSchema,
  resourceSchema: userSchema,
  jobSchema: persistUserJobSchema,
  build: (id, input, now) => ({ id, name: input.name, created_at: now, updated_at: now }),
  store: (pool, sql) => new UserRepository(pool, sql),
});
