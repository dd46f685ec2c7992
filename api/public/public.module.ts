import type { ServiceModule } from '../service-module.js';
import { createListingsClient } from './clients/listings.client.js';
import { UpstreamClient } from './clients/upstream-client.js';
import { createUsersClient } from './clients/users.client.js';
import { publicRoutes } from './public.routes.js';
import { createPublicService } from './public.service.js';

/**
 * §2.3: the public API. It opens no store of its own: users and listings are
 * reached only through the user and listing services' HTTP APIs.
 */
export const publicModule: ServiceModule = {
  name: 'public',
  title: 'Spillway public API',
  // Users and listings only through their services; Redis for idempotency and rate limits.
  dependencies: ['redis_queue', 'redis_cache'],
  async build(context) {
    const { upstreams } = context.config;
    const shared = {
      timeoutMs: upstreams.timeoutMs,
      connections: upstreams.connections,
      token: context.config.serviceToken,
    };
    const users = new UpstreamClient({
      name: 'user service',
      baseUrl: upstreams.usersBaseUrl,
      ...shared,
    });
    const listings = new UpstreamClient({
      name: 'listing service',
      baseUrl: upstreams.listingsBaseUrl,
      ...shared,
    });
    const service = createPublicService({
      users: createUsersClient(users),
      listings: createListingsClient(listings),
      userCheckWaitMs: upstreams.userCheckWaitMs,
    });
    return {
      routes: publicRoutes(service, { ...context.config.http, bulk: context.config.bulk }),
      close: async () => {
        await Promise.all([users.close(), listings.close()]);
      },
    };
  },
};
