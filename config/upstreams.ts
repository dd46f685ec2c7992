import type { EnvReader } from './env-parsers.js';
import { serviceBaseUrl } from './services.js';
import type { Config } from './types.js';

const HTTP_PROTOCOLS = ['http:', 'https:'] as const;

/** Where the public API finds the internal services, and how long it waits for them. */
export function readUpstreams(read: EnvReader, services: Config['services']): Config['upstreams'] {
  return {
    // Defaults follow the service addresses, so one process or many work unchanged.
    usersBaseUrl: read.url('USERS_BASE_URL', serviceBaseUrl(services.users), HTTP_PROTOCOLS),
    listingsBaseUrl: read.url(
      'LISTINGS_BASE_URL',
      serviceBaseUrl(services.listings),
      HTTP_PROTOCOLS,
    ),
    timeoutMs: read.int('UPSTREAM_TIMEOUT_MS', 3000, { min: 50, max: 120_000 }),
    connections: read.int('UPSTREAM_CONNECTIONS', 64, { min: 1, max: 10_000 }),
    userCheckWaitMs: read.int('PUBLIC_USER_CHECK_WAIT_MS', 1000, { min: 0, max: 30_000 }),
  };
}
