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

/** A Redis Cluster: the seed nodes ioredis asks for the slot map (it finds the rest itself). */
export interface RedisCluster {
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
}

/** `<prefix>_CLUSTER_NODES`: refused beside Sentinel, and with a db other than 0 (Cluster has only db 0). */
function clusterOf(
  read: EnvReader,
  prefix: string,
  url: string,
  sentinel: RedisSentinel | undefined,
): RedisCluster | undefined {
  const variable = `${prefix}_CLUSTER_NODES`;
  const nodes = read.hostPorts(variable);
  if (!nodes) return undefined;
  if (sentinel)
    read.problem(
      `${variable}: a Redis Cluster and ${prefix}_SENTINELS describe two different servers; set one of them`,
    );
  const db = new URL(url).pathname.replace(/^\//, '');
  if (db !== '' && db !== '0')
    read.problem(`${prefix}_URL: a Redis Cluster has only db 0, the URL names db ${db}`);
  return { nodes };
}

/** The queue and the cache must not be one cluster: the queue keeps every key, the cache evicts. */
function checkSeparateClusters(read: EnvReader, queue?: RedisCluster, cache?: RedisCluster): void {
  if (!queue || !cache) return;
  const where = new Set(queue.nodes.map(({ host, port }) => `${host}:${port}`));
  if (cache.nodes.some(({ host, port }) => where.has(`${host}:${port}`)))
    read.problem(
      'REDIS_CACHE_CLUSTER_NODES: names a node of REDIS_QUEUE_CLUSTER_NODES; the queue and the cache need separate Redis servers',
    );
}

/**
 * What a write's acknowledgement waits for: `REDIS_QUEUE_WAIT_REPLICAS`
 * replicas to hold its job (`WAIT`), at most `REDIS_QUEUE_WAIT_TIMEOUT_MS`.
 * The default is 1 with a cluster or Sentinel (both fail over to a replica,
 * which must already hold every acknowledged job) and 0 on one Redis.
 */
function readReplicaAck(read: EnvReader, replicated: boolean): Config['redis']['replicaAck'] {
  return {
    replicas: read.int('REDIS_QUEUE_WAIT_REPLICAS', replicated ? 1 : 0, { min: 0, max: 16 }),
    timeoutMs: read.int('REDIS_QUEUE_WAIT_TIMEOUT_MS', 2000, { min: 1, max: 60_000 }),
  };
}

/**
 * The queue and the cache Redis (REDIS_QUEUE_*, REDIS_CACHE_*): each a URL,
 * optionally reached through Sentinel or as a Redis Cluster.
 */
export function readRedis(read: EnvReader): Config['redis'] {
  const urls = {
    queueUrl: read.url('REDIS_QUEUE_URL', 'redis://127.0.0.1:6379/0', ['redis:', 'rediss:']),
    cacheUrl: read.url('REDIS_CACHE_URL', 'redis://127.0.0.1:6380/0', ['redis:', 'rediss:']),
  };
  const sentinels = readRedisSentinels(read, urls);
  const queueCluster = clusterOf(read, 'REDIS_QUEUE', urls.queueUrl, sentinels.queueSentinel);
  const cacheCluster = clusterOf(read, 'REDIS_CACHE', urls.cacheUrl, sentinels.cacheSentinel);
  checkSeparateClusters(read, queueCluster, cacheCluster);
  return {
    ...urls,
    ...sentinels,
    ...(queueCluster ? { queueCluster } : {}),
    ...(cacheCluster ? { cacheCluster } : {}),
    replicaAck: readReplicaAck(read, Boolean(queueCluster ?? sentinels.queueSentinel)),
  };
}
