import { QUEUE_NAMES } from '../../shared/jobs/queue-names.js';
import { UserRepository } from '../../shared/repositories/user.repository.js';
import type { ServiceModule } from '../service-module.js';
import { userRoutes } from './users.routes.js';
import { createUserService } from './users.service.js';

/** §2.1: the user service. Its id counter is raised past the ids MySQL holds before any write (and after every queue-Redis reconnect). */
export const usersModule: ServiceModule = {
  name: 'users',
  title: 'Spillway user service',
  dependencies: ['redis_queue', 'redis_cache', 'mysql'],
  async build(context) {
    const users = new UserRepository(context.connections.mysql);
    await context.ids.keepAbove('users', () => users.maxId());
    const service = createUserService({
      queue: context.queues.persistUsers,
      queueEvents: context.queueEvents(QUEUE_NAMES.persistUsers),
      ids: context.ids,
      cache: context.cache,
      store: users,
    });
    return {
      routes: userRoutes(service, { ...context.config.http, bulk: context.config.bulk }),
      // The replicate queue is fed by this queue's worker: a stalled Mongo backs writes up too.
      writeQueues: [context.queues.persistUsers, context.queues.replicate],
    };
  },
};
