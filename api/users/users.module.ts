import { usersResource } from '../../shared/domain/resources/users.resource.js';
import { createdResourceModule } from '../resources/created-resource.module.js';
import { userRoutes } from './users.routes.js';
import { createUserService } from './users.service.js';

/** §2.1: the user service. */
export const usersModule = createdResourceModule({
  name: 'users',
  title: 'Spillway user service',
  resource: usersResource,
  service: createUserService,
  routes: (service, config) => userRoutes(service, { ...config.http, bulk: config.bulk }),
});
