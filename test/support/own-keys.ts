import type { Redis } from 'ioredis';

/**
 * A key prefix of one test's own. A test that writes only under it can clean
 * up by deleting its own keys, instead of flushing a Redis db that other tests
 * (or a slow child process of an earlier one) may still be using.
 */
export function ownPrefix(label: string): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}`;
}

/** The keys under `prefix` (`prefix:*`), found with SCAN, not KEYS. */
export async function ownKeys(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** Deletes the keys under `prefix`, and no others. */
export async function deleteOwnKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await ownKeys(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
}
