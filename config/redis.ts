import type { EnvReader } from './env-parsers.js';
import type { Config } from './types.js';

/** A Redis primary found through Sentinel: the sentinels to ask and the name they monitor it by. */
export interface RedisSentinel {
  readonly sentinels: readonly { readonly host: string; readonly port: number }[];
  readonly name: string;
  /** The sentinels' own password (`requirepass` of the sentinels), if they ask for one. */
  readonly password?: string;
}

/** One role's settings: `<prefix>_SENTINELS`, `_SENTINEL_NAME`, `_SENTINEL_PASSWORD`. */
function sentinelOf(read: EnvReader, prefix: string, url: string): RedisSentinel | undefined {
  const variable = `${prefix}_SENTINELS`;
  const sentinels = read.hostPorts(variable);
  const name = read.optionalString(`${prefix}_SENTINEL_NAME`);
  const password = read.optionalString(`${prefix}_SENTINEL_PASSWORD`);
  if (!sentinels) {
    if (name !== undefined || password !== undefined)
      read.problem(`${prefix}_SENTINEL_NAME/_PASSWORD: no effect without ${variable}`);
    return undefined;
  }
  // No default name: two roles left on one default would share a primary unnoticed.
  if (name === undefined) read.problem(`${prefix}_SENTINEL_NAME: required when ${variable} is set`);
  if (url.startsWith('rediss:'))
    read.problem(`${variable}: TLS (a rediss: ${prefix}_URL) through Sentinel is not supported`);
  return { sentinels, name: name ?? '', ...(password ? { password } : {}) };
}

/** One name asked of at least one common sentinel: the same primary. */
function sameTarget(a: RedisSentinel, b: RedisSentinel): boolean {
  const where = (s: RedisSentinel) =>
    new Set(s.sentinels.map(({ host, port }) => `${host}:${port}`));
  const bWhere = where(b);
  return a.name === b.name && [...where(a)].some((sentinel) => bWhere.has(sentinel));
}

/**
 * The Sentinel settings of the queue and the cache Redis. The two must not
 * name the same primary: the queue Redis keeps every key (noeviction), the
 * cache evicts (LRU), and cache writes would fill the queue's memory.
 */
function readRedisSentinels(
  read: EnvReader,
  urls: { readonly queueUrl: string; readonly cacheUrl: string },
): { queueSentinel?: RedisSentinel; cacheSentinel?: RedisSentinel } {
  const queueSentinel = sentinelOf(read, 'REDIS_QUEUE', urls.queueUrl);
  const cacheSentinel = sentinelOf(read, 'REDIS_CACHE', urls.cacheUrl);
  if (queueSentinel && cacheSentinel && sameTarget(queueSentinel, cacheSentinel))
    read.problem(
      'REDIS_CACHE_SENTINEL_NAME: names the same primary as REDIS_QUEUE_SENTINEL_NAME; the queue and the cache need separate Redis servers',
    );
  return {
    ...(queueSentinel ? { queueSentinel } : {}),
    ...(cacheSentinel ? { cacheSentinel } : {}),
  };
}

/** The queue and the cache Redis (REDIS_QUEUE_*, REDIS_CACHE_*), each a URL and optionally Sentinel. */
export function readRedis(read: EnvReader): Config['redis'] {
  const urls = {
    queueUrl: read.url('REDIS_QUEUE_URL', 'redis://127.0.0.1:6379/0', ['redis:', 'rediss:']),
    cacheUrl: read.url('REDIS_CACHE_URL', 'redis://127.0.0.1:6380/0', ['redis:', 'rediss:']),
  };
  return { ...urls, ...readRedisSentinels(read, urls) };
}
