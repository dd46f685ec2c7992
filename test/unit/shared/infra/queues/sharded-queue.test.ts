import { expect } from 'chai';
import type { JobsOptions, Queue } from 'bullmq';
import { shardIndex, ShardedQueue } from '../../../../../shared/infra/queues/sharded-queue.js';
import type { ReplicaAck } from '../../../../../shared/infra/queues/replica-ack.js';

interface Added {
  readonly shard: string;
  readonly name: string;
  readonly data: { id: number };
}

/** BullMQ queues that only record what was added to them (routing is what is tested here). */
function recordingShards(count: number, added: Added[]): Queue<{ id: number }>[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `{persist-users-${i}}`;
    const job = (jobName: string, data: { id: number }) => ({
      name: jobName,
      data,
      queueName: name,
    });
    return {
      name,
      add: async (jobName: string, data: { id: number }) => {
        added.push({ shard: name, name: jobName, data });
        return job(jobName, data);
      },
      addBulk: async (jobs: { name: string; data: { id: number } }[]) =>
        jobs.map((j) => {
          added.push({ shard: name, name: j.name, data: j.data });
          return job(j.name, j.data);
        }),
      getJobCounts: async () => ({ waiting: i + 1, delayed: 1 }),
    } as unknown as Queue<{ id: number }>;
  });
}

function shardedUsers(shards: number, added: Added[], confirmed: string[] = []) {
  const ack: ReplicaAck = {
    confirm: async (queue) => {
      confirmed.push(queue.name);
    },
  };
  const keyOf = (data: { id: number }, _opts: JobsOptions | undefined) => data.id;
  return new ShardedQueue('persist-users', recordingShards(shards, added), keyOf, ack);
}

describe('ShardedQueue: one logical queue over QUEUE_SHARDS BullMQ queues (§8)', () => {
  it('sends every write of one id to one shard, whatever else is added', async () => {
    const added: Added[] = [];
    const queue = shardedUsers(16, added);
    for (let version = 1; version <= 5; version += 1) {
      await queue.add('users.create', { id: 42 });
      await queue.addBulk([{ name: 'users.create', data: { id: version * 1000 } }]);
    }
    const of42 = new Set(added.filter((a) => a.data.id === 42).map((a) => a.shard));
    expect([...of42]).to.deep.equal([`{persist-users-${shardIndex(42, 16)}}`]);
  });

  it('spreads consecutive ids over every shard', () => {
    const counts = new Array<number>(16).fill(0);
    for (let id = 1; id <= 16_000; id += 1) counts[shardIndex(id, 16)]! += 1;
    expect(Math.min(...counts)).to.be.greaterThan(800);
    expect(Math.max(...counts)).to.be.lessThan(1200);
  });

  it('addBulk: one addBulk per shard touched, each confirmed by the replica ack, jobs back in order', async () => {
    const added: Added[] = [];
    const confirmed: string[] = [];
    const queue = shardedUsers(4, added, confirmed);
    const data = Array.from({ length: 40 }, (_, i) => ({ id: i + 1 }));
    const jobs = await queue.addBulk(data.map((d) => ({ name: 'users.create', data: d })));
    expect(jobs.map((job) => job.data.id)).to.deep.equal(data.map((d) => d.id));
    expect(jobs.every((job) => job.queueName === `{persist-users-${shardIndex(job.data.id, 4)}}`))
      .to.be.true;
    expect(new Set(confirmed).size).to.equal(confirmed.length);
    expect([...confirmed].sort()).to.deep.equal([...new Set(added.map((a) => a.shard))].sort());
  });

  it('counts jobs over every shard (backpressure and the queue-depth metric see the sum)', async () => {
    const queue = shardedUsers(3, []);
    expect(await queue.getJobCounts('waiting', 'delayed')).to.deep.equal({
      waiting: 6,
      delayed: 3,
    });
    expect(await queue.getWaitingCount()).to.equal(6);
  });

  it('is one queue with shard 0 for everything when QUEUE_SHARDS is 1', () => {
    expect(shardIndex(7, 1)).to.equal(0);
    expect(shardIndex('0b9e…', 1)).to.equal(0);
  });
});
