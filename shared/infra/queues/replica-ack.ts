import type { Queue } from 'bullmq';
import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
import { WriteNotReplicatedError } from '../errors/index.js';
import type { RedisClient } from '../redis/redis-client.js';

/** How many replicas must hold a write's job before it is acknowledged, and how long to wait. */
export interface ReplicaAckSettings {
  readonly replicas: number;
  readonly timeoutMs: number;
}

/**
 * Confirms that the jobs just added to a queue reached a replica. Redis
 * replicates asynchronously, so a primary that dies right after an add can
 * take the job with it; `WAIT n t` blocks until n replicas acknowledged every
 * write this connection made so far (the add included), or t ms passed.
 */
export interface ReplicaAck {
  /** Resolves once the replicas hold what this client added to `queue`; throws WriteNotReplicatedError after the timeout. */
  confirm(queue: Pick<Queue, 'name' | 'opts'>): Promise<void>;
}

/** No replica to wait for (one Redis, or REDIS_QUEUE_WAIT_REPLICAS=0): the primary's answer is the acknowledgement. */
export const PRIMARY_ONLY: ReplicaAck = { confirm: async () => undefined };

/** WAIT to the primary that took the adds: the one Redis, or the cluster master of the queue's slot. */
export function replicaAck(client: RedisClient, settings: ReplicaAckSettings): ReplicaAck {
  if (settings.replicas === 0) return PRIMARY_ONLY;
  const { replicas, timeoutMs } = settings;
  return {
    async confirm(queue) {
      const primary = client instanceof Cluster ? masterOfQueue(client, queue) : client;
      // The slot map is refreshed on the MOVED that a failover causes; until then, no confirmation.
      // A WAIT that fails (the node was demoted or died since the add) confirms nothing.
      const confirmed = primary
        ? Number(await primary.call('WAIT', replicas, timeoutMs).catch(() => 0))
        : 0;
      if (confirmed < replicas)
        throw new WriteNotReplicatedError({ replicas, confirmed, timeoutMs });
    },
  };
}

/**
 * The node connection the cluster sent this queue's commands on: WAIT counts
 * the writes of the connection it is sent on, so it must be that one. Every
 * key of a BullMQ queue shares the queue's hash tag, so any of them names the slot.
 */
function masterOfQueue(cluster: Cluster, queue: Pick<Queue, 'name' | 'opts'>) {
  const slot = calculateSlot(`${queue.opts.prefix ?? 'bull'}:${queue.name}:id`);
  const nodeKey = cluster.slots[slot]?.[0];
  return cluster
    .nodes('master')
    .find(({ options }) => `${options.host}:${options.port}` === nodeKey);
}
