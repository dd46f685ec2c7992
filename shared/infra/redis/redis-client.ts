import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisCluster, RedisSentinel } from '../../../config/index.js';

/**
 * A client of one Redis role: a single server (directly or through Sentinel)
 * or a Redis Cluster. Both take the same commands; a cluster routes each to
 * the master of its key's slot.
 */
export type RedisClient = Redis | Cluster;

/** Where one role's Redis is: its URL (credentials, db, TLS) and, optionally, how to find it. */
export interface RedisTarget {
  readonly url: string;
  readonly sentinel?: RedisSentinel;
  readonly cluster?: RedisCluster;
}

/** What a cluster's node connections take from the role's URL: credentials and TLS, not a host. */
function nodeOptionsOf(url: string, options: RedisOptions): RedisOptions {
  const parsed = new URL(url);
  return {
    ...options,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * A client for the Redis of `target`. Through Sentinel, ioredis asks the
 * sentinels where the primary is and listens to them for a failover
 * (`failoverDetector`), so it moves to the new primary at once instead of
 * writing to a demoted one. On a cluster, the offline queue and the retry on
 * failover are the cluster's own (a node's connection fails fast, the cluster
 * re-reads the slot map and sends the command again).
 */
export function redisClient(
  target: RedisTarget,
  options: RedisOptions & Pick<ClusterOptions, 'enableAutoPipelining'>,
): RedisClient {
  const { url, sentinel, cluster } = target;
  if (cluster) {
    const { enableOfflineQueue, enableAutoPipelining, ...nodeOptions } = options;
    return new Cluster([...cluster.nodes], {
      redisOptions: nodeOptionsOf(url, nodeOptions),
      ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
      ...(enableAutoPipelining === undefined ? {} : { enableAutoPipelining }),
      // A failover takes the cluster a few seconds (cluster-node-timeout, then the
      // election); commands in that window are retried rather than failed at once.
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 200,
      retryDelayOnTryAgain: 200,
    });
  }
  if (!sentinel) return new Redis(url, options);
  return new Redis(url, {
    ...options,
    sentinels: [...sentinel.sentinels],
    name: sentinel.name,
    ...(sentinel.password ? { sentinelPassword: sentinel.password } : {}),
    failoverDetector: true,
  });
}

/** Resolves once the client can take commands (one with no offline queue fails before that). */
export async function readyClient(client: RedisClient): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise((resolve) => client.once('ready', resolve));
}

/**
 * Closes `client` for good: QUIT (the replies already asked for still arrive),
 * then, for a single server, `disconnect()`. ioredis's `quit()` closes only the
 * command connection: through Sentinel, the failover detector's subscriptions
 * to every sentinel stay open (ioredis issue 1362), keeping the process alive
 * and, once the sentinels are gone, reconnecting every minute with no 'error'
 * listener. `disconnect()` after the QUIT closes them too.
 */
export async function closeRedis(client: RedisClient): Promise<void> {
  try {
    await client.quit();
  } finally {
    if (client instanceof Redis) client.disconnect();
  }
}
