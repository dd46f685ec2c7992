import type { Config } from '../../config/index.js';
import type { Connections } from '../../shared/infra/process/connections.js';
import { resetBenchStores } from '../lib/stores.js';
import { fillBacklog, listingJob, listingQueue } from './drain.js';

async function usedMemory(connections: Connections): Promise<number> {
  const info = await connections.queueRedis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

/**
 * Bytes held by the queue keys of this Redis db (MEMORY USAGE of each, exact
 * for lists and streams). Unlike INFO used_memory, which is server-wide, other
 * databases on the same server (other test slots) do not disturb it.
 */
async function queueKeyBytes(connections: Connections, prefix: string): Promise<number> {
  const redis = connections.queueRedis;
  let total = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
    for (const [, bytes] of (await pipeline.exec()) ?? []) total += Number(bytes ?? 0);
  } while (cursor !== '0');
  return total;
}

/**
 * Redis bytes per waiting listing write, after adding N waiting jobs: by the
 * queue's own keys (the goal's measure) and by INFO used_memory (server-wide, noisy).
 */
export async function runRedisBytesPerJob(
  config: Config,
  connections: Connections,
  jobs: number,
): Promise<{ jobs: number; bytes: number; bytesPerJob: number; usedMemoryPerJob: number }> {
  await resetBenchStores(connections);
  const queue = listingQueue(config, connections);
  await queue.waitUntilReady();
  const before = await usedMemory(connections);
  const keysBefore = await queueKeyBytes(connections, config.queue.prefix);
  await fillBacklog(queue, jobs, listingJob);
  const usedMemoryPerJob = ((await usedMemory(connections)) - before) / jobs;
  const bytes = (await queueKeyBytes(connections, config.queue.prefix)) - keysBefore;
  await queue.close();
  await resetBenchStores(connections);
  return { jobs, bytes, bytesPerJob: bytes / jobs, usedMemoryPerJob };
}
