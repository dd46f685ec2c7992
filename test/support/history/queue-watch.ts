import type { Config } from '../../../config/index.js';
import { QUEUE_NAMES } from '../../../shared/infra/queues/queue-names.js';
import type { Connections } from '../../../shared/infra/process/connections.js';
import { closeQueues, queueList } from '../../../shared/infra/queues/queues.js';
import { createQueues } from '../../../shared/domain/resources/resource-queues.js';
import type { QueueShards } from '../../../shared/infra/queues/sharded-queue.js';
import { unfinishedJobs } from '../queue-jobs.js';

/** What the history watches in the queues: whether they drained, and which jobs are held. */
export interface QueueWatch {
  /** Jobs not finished (waiting, delayed, prioritized, active) in every queue that writes a store. */
  unfinished(): Promise<number>;
  /** Jobs failed for good, in those queues. */
  failed(): Promise<number>;
  /** Jobs per queue and state, the empty ones left out: what a drain that never ends waits on. */
  counts(): Promise<Record<string, Record<string, number>>>;
  /** Active jobs (by queue and id) and the token of the lock each holds ('' if none). */
  heldLocks(): Promise<Map<string, string>>;
  close(): Promise<void>;
}

/** Jobs in `held` that another worker took over since, or that finished. */
export function takenOver(held: ReadonlyMap<string, string>, now: ReadonlyMap<string, string>) {
  return [...held].filter(([job, token]) => {
    const current = now.get(job);
    return current === undefined || (current !== '' && current !== token);
  });
}

/** Watches every queue but the e-mails' (which the history's workers do not consume). */
export function watchQueues(config: Config, connections: Connections): QueueWatch {
  const queues = createQueues(config, connections.queueRedis);
  const watched: QueueShards[] = queueList(queues).filter(
    (queue) => queue.name !== QUEUE_NAMES.notify,
  );
  // While a fault has the queue Redis down, every read here fails and is retried by the
  // caller; BullMQ would print each connection error of a queue without a listener.
  for (const shard of queueList(queues).flatMap((queue) => queue.shards)) {
    shard.on('error', () => undefined);
  }
  return {
    unfinished: () => unfinishedJobs(watched),
    async failed() {
      const counts = await Promise.all(watched.map((queue) => queue.getFailedCount()));
      return counts.reduce((sum, n) => sum + n, 0);
    },
    async counts() {
      const states = ['waiting', 'delayed', 'prioritized', 'active', 'failed'] as const;
      const all = await Promise.all(watched.map((queue) => queue.getJobCounts(...states)));
      const counts: Record<string, Record<string, number>> = {};
      watched.forEach((queue, i) => {
        const nonZero = Object.entries(all[i] ?? {}).filter(([, n]) => n > 0);
        if (nonZero.length > 0) counts[queue.name] = Object.fromEntries(nonZero);
      });
      return counts;
    },
    async heldLocks() {
      const held = new Map<string, string>();
      for (const shard of watched.flatMap((queue) => queue.shards)) {
        for (const job of await shard.getActive()) {
          // BullMQ's lock of a job: `<prefix>:<queue>:<id>:lock`, its value the holder's token.
          const token = await connections.queueRedis.get(`${shard.toKey(job.id ?? '')}:lock`);
          held.set(`${shard.name}/${job.id}`, token ?? '');
        }
      }
      return held;
    },
    close: () => closeQueues(queues),
  };
}
