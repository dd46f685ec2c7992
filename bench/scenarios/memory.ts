import { Queue } from 'bullmq';
import type { Config } from '../../config/index.js';
import type { Connections } from '../../shared/connections.js';
import { QUEUE_NAMES } from '../../shared/jobs/queue-names.js';
import { defaultJobOptions } from '../../shared/jobs/queues.js';
import { resetBenchStores } from '../lib/stores.js';
import { fillBacklog, listingJob } from './drain.js';

async function usedMemory(connections: Connections): Promise<number> {
  const info = await connections.queueRedis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

/** Redis bytes per waiting listing write: INFO used_memory before and after N waiting jobs. */
export async function runRedisBytesPerJob(
  config: Config,
  connections: Connections,
  jobs: number,
): Promise<{ jobs: number; bytes: number; bytesPerJob: number }> {
  await resetBenchStores(connections);
  const queue = new Queue(QUEUE_NAMES.persistListings, {
    connection: connections.queueRedis,
    prefix: config.queue.prefix,
    defaultJobOptions: defaultJobOptions(config),
  });
  await queue.waitUntilReady();
  const before = await usedMemory(connections);
  await fillBacklog(queue, jobs, listingJob);
  const bytes = (await usedMemory(connections)) - before;
  await queue.close();
  await resetBenchStores(connections);
  return { jobs, bytes, bytesPerJob: bytes / jobs };
}
