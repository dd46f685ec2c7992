import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from '../../shared/infra/redis/redis-client.js';

/**
 * A key prefix of one test's own. A test that writes only under it can clean
 * up by deleting its own keys, instead of flushing a Redis db that other tests
 * (or a slow child process of an earlier one) may still be using.
 */
export function ownPrefix(label: string): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Calls `each` with every batch of keys of one server that match the glob, found with SCAN, not KEYS. */
export async function forEachKeyBatch(
  node: Redis,
  match: string,
  each: (keys: string[]) => Promise<void>,
): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await each(keys);
  } while (cursor !== '0');
}

/** The servers that hold a client's keys: the one Redis, or every master of a cluster. */
function serversOf(redis: RedisClient): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

/** The keys under `prefix` (`prefix:*`). */
export async function ownKeys(redis: RedisClient, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for (const server of serversOf(redis)) {
    await forEachKeyBatch(server, `${prefix}:*`, async (batch) => {
      keys.push(...batch);
    });
  }
  return keys;
}

/**
 * Deletes the keys under `prefix`, and no others. One UNLINK per key
 * (pipelined): on a cluster, keys of one node may still be in different slots.
 */
export async function deleteOwnKeys(redis: RedisClient, prefix: string): Promise<void> {
  await Promise.all(
    serversOf(redis).map((server) =>
      forEachKeyBatch(server, `${prefix}:*`, async (keys) => {
        const pipeline = server.pipeline();
        for (const key of keys) pipeline.unlink(key);
        for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
      }),
    ),
  );
}
