import { readFile } from 'node:fs/promises';
import { Cluster } from 'ioredis';
import type { Config } from '../../config/index.js';
import {
  readyClient,
  redisClient,
  type RedisClient,
} from '../../shared/infra/redis/redis-client.js';
import { benchConfig } from './stores.js';

/**
 * The local queue cluster `scripts/services.sh` starts (scripts/redis-cluster.sh:
 * 3 masters, 3 replicas); BENCH_REDIS_QUEUE_CLUSTER_NODES points elsewhere.
 */
const QUEUE_CLUSTER_NODES =
  process.env.BENCH_REDIS_QUEUE_CLUSTER_NODES ??
  [7300, 7301, 7302, 7303, 7304, 7305].map((port) => `127.0.0.1:${port}`).join(',');

/**
 * The benchmark's own key prefix on the cluster. The cluster is shared with
 * every test run on this machine, so a run never flushes it: it deletes the
 * keys under this prefix (`deleteClusterKeys`), before and after.
 */
export const CLUSTER_PREFIX = 'spillway-bench';

/** One way of running the queue Redis: the environment the API, the workers and this process get. */
export interface QueueMode {
  readonly name: string;
  readonly cluster: boolean;
  readonly env: Record<string, string>;
}

function clusterMode(shards: number, replicas: number): QueueMode {
  return {
    name: `cluster, ${shards} shards, WAIT ${replicas}`,
    cluster: true,
    env: {
      REDIS_QUEUE_URL: `redis://${QUEUE_CLUSTER_NODES.split(',')[0]}`,
      REDIS_QUEUE_CLUSTER_NODES: QUEUE_CLUSTER_NODES,
      QUEUE_PREFIX: CLUSTER_PREFIX,
      QUEUE_SHARDS: String(shards),
      REDIS_QUEUE_WAIT_REPLICAS: String(replicas),
    },
  };
}

/**
 * Today's default (one Redis, one queue per queue, no WAIT) against the
 * 3-master cluster with 3 and 16 shards and WAIT 1 (its default). The cluster
 * with 3 shards and no WAIT separates the cost of WAIT from that of the
 * cluster client and the sharding.
 */
export const QUEUE_MODES: readonly QueueMode[] = [
  {
    name: 'one Redis, 1 shard, WAIT 0',
    cluster: false,
    env: { QUEUE_SHARDS: '1', REDIS_QUEUE_WAIT_REPLICAS: '0' },
  },
  clusterMode(3, 0),
  clusterMode(3, 1),
  clusterMode(16, 1),
];

/** The configuration a mode's processes load (bench stores, the mode's queue Redis). */
export function modeConfig(mode: QueueMode): Config {
  return benchConfig(mode.env);
}

/** A client of a mode's queue Redis, for filling and counting its queues from this process. */
export async function openModeQueueRedis(config: Config): Promise<RedisClient> {
  const { queueUrl: url, queueCluster: cluster } = config.redis;
  const client = redisClient({ url, cluster }, { maxRetriesPerRequest: null });
  await readyClient(client);
  return client;
}

async function isLocalRedis(pid: number): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  return /redis/.test(await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => ''));
}

async function pidOf(node: RedisClient): Promise<number> {
  return Number(/process_id:(\d+)/.exec(await node.info('server'))?.[1]);
}

/**
 * The local pids of a mode's queue Redis: its masters (the one server) and
 * its replicas (none on one Redis). WAIT's cost shows on both: the master
 * waits for the replica's acknowledgement, the replica applies every write.
 */
export async function queueRedisPids(
  client: RedisClient,
): Promise<{ masters: number[]; replicas: number[] }> {
  const local = async (nodes: RedisClient[]) => {
    const pids = await Promise.all(nodes.map(pidOf));
    const kept: number[] = [];
    for (const pid of pids) if (await isLocalRedis(pid)) kept.push(pid);
    return kept;
  };
  if (!(client instanceof Cluster)) return { masters: await local([client]), replicas: [] };
  return {
    masters: await local(client.nodes('master')),
    replicas: await local(client.nodes('slave')),
  };
}

/**
 * Deletes every key under the benchmark's prefix on each master of the
 * cluster: SCAN, then one UNLINK per key (keys of different slots may not
 * share a command even on one node). Never FLUSHALL: other runs use the cluster.
 */
export async function deleteClusterKeys(client: RedisClient): Promise<number> {
  if (!(client instanceof Cluster)) return 0;
  let deleted = 0;
  for (const master of client.nodes('master')) {
    let cursor = '0';
    do {
      const [next, keys] = await master.scan(cursor, 'MATCH', `${CLUSTER_PREFIX}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length === 0) continue;
      const pipeline = master.pipeline();
      for (const key of keys) pipeline.unlink(key);
      for (const [error, count] of (await pipeline.exec()) ?? []) {
        if (error) throw error;
        deleted += Number(count);
      }
    } while (cursor !== '0');
  }
  return deleted;
}
