import { expect } from 'chai';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { IdAllocator } from '../../../shared/domain/ids/id-allocator.js';
import { IntakeBatcher } from '../../../shared/infra/queues/intake-batcher.js';
import { PRIMARY_ONLY } from '../../../shared/infra/queues/replica-ack.js';
import { ShardedQueue } from '../../../shared/infra/queues/sharded-queue.js';
import { deleteOwnKeys, ownPrefix } from '../../support/own-keys.js';
import { testConfig } from '../../support/test-config.js';

/** The test queue as a queue of one shard, as the services see theirs. */
const oneShard = <T>(queue: Queue<T>) =>
  new ShardedQueue<T>('persist-listings', [queue], () => 0, PRIMARY_ONLY);

describe('IntakeBatcher on the queue Redis', () => {
  let redis: Redis;
  let queue: Queue<{ n: number }>;
  let prefix: string;

  before(() => {
    redis = new Redis(testConfig().redis.queueUrl, { maxRetriesPerRequest: null });
  });
  beforeEach(() => {
    prefix = ownPrefix('test');
    queue = new Queue('intake-test', { connection: redis, prefix });
  });
  afterEach(async () => {
    await queue.close();
    await deleteOwnKeys(redis, prefix);
  });
  after(() => redis.quit());

  it('gives concurrent writes distinct consecutive ids and enqueues each once, in one addBulk', async () => {
    const ids = new IdAllocator(redis, prefix);
    let bulks = 0;
    const addBulk = queue.addBulk.bind(queue);
    queue.addBulk = (jobs) => {
      bulks += 1;
      return addBulk(jobs);
    };
    const intake = new IntakeBatcher(oneShard(queue), ids, 'listings');
    const accepted = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        intake.submit((id) => ({ name: 'write', data: { n }, opts: { jobId: `w-${id}` } })),
      ),
    );
    expect(bulks).to.equal(1);
    expect(accepted.map((a) => a.id)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(accepted.map((a) => a.job.id)).to.deep.equal(accepted.map((a) => `w-${a.id}`));
    expect(await queue.getWaitingCount()).to.equal(50);
    const job = await queue.getJob('w-7');
    expect(job?.data).to.deep.equal({ n: 6 });
  });

  it('splits at maxBatch and keeps ids unique across batches', async () => {
    const intake = new IntakeBatcher(oneShard(queue), new IdAllocator(redis, prefix), 'users', 8);
    const accepted = await Promise.all(
      Array.from({ length: 20 }, () =>
        intake.submit((id) => ({ name: 'write', data: { n: id }, opts: { jobId: `u-${id}` } })),
      ),
    );
    expect(new Set(accepted.map((a) => a.id)).size).to.equal(20);
    expect(await queue.getWaitingCount()).to.equal(20);
  });

  it('fails every write of a batch whose enqueue fails', async () => {
    const intake = new IntakeBatcher(oneShard(queue), new IdAllocator(redis, prefix), 'users');
    queue.addBulk = () => Promise.reject(new Error('redis is gone'));
    const outcomes = await Promise.allSettled(
      [1, 2, 3].map(() =>
        intake.submit((id) => ({ name: 'write', data: { n: id }, opts: { jobId: `f-${id}` } })),
      ),
    );
    expect(outcomes.map((o) => o.status)).to.deep.equal(['rejected', 'rejected', 'rejected']);
  });
});
