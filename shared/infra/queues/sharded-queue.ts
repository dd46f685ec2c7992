import type { Job, JobsOptions, Queue } from 'bullmq';
import type { QueueName } from './queue-names.js';
import type { ReplicaAck } from './replica-ack.js';
import { inBulkAdd } from '../telemetry/tracing/bulk-add.js';

/** What a job of a sharded queue is routed by: the resource id it writes (all its versions, one shard). */
export type ShardKeyOf<T> = (data: T, opts: JobsOptions | undefined) => string | number;

/** One job as `Queue.addBulk` takes it. */
export interface BulkJob<T> {
  readonly name: string;
  readonly data: T;
  readonly opts?: JobsOptions;
}

/** A sharded queue whatever its jobs: what collections of queues (metrics, the board, shutdown) use. */
export interface QueueShards {
  readonly name: QueueName;
  readonly shards: readonly Queue[];
  getJobCounts(...states: Parameters<Queue['getJobCounts']>): Promise<Record<string, number>>;
  getWaitingCount(): Promise<number>;
  getFailedCount(): Promise<number>;
  getCompletedCount(): Promise<number>;
  close(): Promise<void>;
}

/** FNV-1a over the key's text: stable across processes and versions, spread evenly enough for shards. */
export function shardIndex(key: string | number, shards: number): number {
  if (shards === 1) return 0;
  let hash = 0x811c9dc5;
  for (const char of String(key)) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/**
 * One logical queue (`persist-users`) as `QUEUE_SHARDS` BullMQ queues, each
 * with its own hash tag, so on a Redis Cluster one resource type spreads over
 * every master. A job goes to the shard of its resource's id, so every write
 * of one id is in one shard, in the order it was accepted. Every add is
 * acknowledged only once `ack` confirms it reached a replica.
 */
export class ShardedQueue<T> implements QueueShards {
  constructor(
    /** The logical name: what operators, metrics and backpressure speak of. */
    readonly name: QueueName,
    readonly shards: readonly Queue<T>[],
    private readonly keyOf: ShardKeyOf<T>,
    private readonly ack: ReplicaAck,
  ) {
    if (shards.length === 0) throw new Error(`${name}: a sharded queue needs at least one shard`);
  }

  /** The shard that holds the jobs of `key`. */
  shardFor(key: string | number): Queue<T> {
    return this.shards[shardIndex(key, this.shards.length)] as Queue<T>;
  }

  async add(name: string, data: T, opts?: JobsOptions): Promise<Job<T>> {
    const shard = this.shardFor(this.keyOf(data, opts));
    const job = await shard.add(name as never, data as never, opts);
    await this.ack.confirm(shard);
    return job as Job<T>;
  }

  /** Adds every job, one addBulk (one MULTI) per shard they fall in; the jobs come back in order. */
  async addBulk(jobs: readonly BulkJob<T>[]): Promise<Job<T>[]> {
    const byShard = new Map<number, { positions: number[]; jobs: BulkJob<T>[] }>();
    jobs.forEach((job, position) => {
      const index = shardIndex(this.keyOf(job.data, job.opts), this.shards.length);
      const group = byShard.get(index) ?? { positions: [], jobs: [] };
      group.positions.push(position);
      group.jobs.push(job);
      byShard.set(index, group);
    });
    const added: Job<T>[] = new Array<Job<T>>(jobs.length);
    await Promise.all(
      [...byShard].map(async ([index, group]) => {
        const shard = this.shards[index] as Queue<T>;
        const shardJobs = await inBulkAdd(() => shard.addBulk(group.jobs as never));
        await this.ack.confirm(shard);
        group.positions.forEach((position, k) => {
          const job = shardJobs[k];
          if (!job) throw new Error(`${shard.name}: addBulk returned fewer jobs than it was given`);
          added[position] = job as Job<T>;
        });
      }),
    );
    return added;
  }

  /** A job by its id, looked up in the shard of `key` (the id it writes). */
  async getJob(jobId: string, key: string | number): Promise<Job<T> | undefined> {
    return (await this.shardFor(key).getJob(jobId)) as Job<T> | undefined;
  }

  /** A job by its id, looked up in the shard its data is routed to (as `add` would route it). */
  async getJobOf(data: T, jobId: string): Promise<Job<T> | undefined> {
    return (await this.shardFor(this.keyOf(data, { jobId })).getJob(jobId)) as Job<T> | undefined;
  }

  /** Job counts per state, summed over every shard. */
  async getJobCounts(
    ...states: Parameters<Queue['getJobCounts']>
  ): Promise<Record<string, number>> {
    const perShard = await Promise.all(this.shards.map((shard) => shard.getJobCounts(...states)));
    const sum: Record<string, number> = {};
    for (const counts of perShard) {
      for (const [state, count] of Object.entries(counts)) sum[state] = (sum[state] ?? 0) + count;
    }
    return sum;
  }

  async getWaitingCount(): Promise<number> {
    return (await this.getJobCounts('waiting')).waiting ?? 0;
  }

  async getFailedCount(): Promise<number> {
    return (await this.getJobCounts('failed')).failed ?? 0;
  }

  async getCompletedCount(): Promise<number> {
    return (await this.getJobCounts('completed')).completed ?? 0;
  }

  /** A job's state, looked up in the shard of `key`. */
  async getJobState(jobId: string, key: string | number): Promise<string> {
    return this.shardFor(key).getJobState(jobId);
  }

  async close(): Promise<void> {
    await Promise.all(this.shards.map((shard) => shard.close()));
  }
}
