import type { EnvReader } from './env-parsers.js';
import type { Config } from './types.js';

/** CACHE_PREFIX, CACHE_TTL_SECONDS and CACHE_ENABLED of the read cache; CACHE_CONTROL_MAX_AGE of HTTP caches. */
export function readCache(read: EnvReader): Config['cache'] {
  return {
    prefix: read.string('CACHE_PREFIX', 'spillway'),
    ttlSeconds: read.int('CACHE_TTL_SECONDS', 300, { min: 1, max: 86_400 }),
    enabled: read.bool('CACHE_ENABLED', true),
    controlMaxAgeSeconds: read.int('CACHE_CONTROL_MAX_AGE', 5, { min: 0, max: 86_400 }),
  };
}
