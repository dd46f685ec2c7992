import { expect } from 'chai';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  CompletionListener,
  type JobCompletions,
} from '../../../shared/jobs/completion-listener.js';
import { waitForJob } from '../../../shared/jobs/wait-for-job.js';
import { testConfig } from '../../support/test-config.js';

/** One queue's listener as the completions of its jobs (a queue of one shard). */
const alone = (listener: CompletionListener): JobCompletions => ({
  use: (_job, wait) => listener.use(wait),
});

describe('CompletionListener: completion events only while someone waits', () => {
  const prefix = 'test';
  let redis: Redis;
  let queue: Queue<{ n: number }>;
  let worker: Worker | undefined;
  let opened: number;
  let listener: CompletionListener;

  before(() => {
    redis = new Redis(testConfig().redis.queueUrl, { maxRetriesPerRequest: null });
  });
  beforeEach(async () => {
    await redis.flushdb();
    queue = new Queue('completion-test', { connection: redis, prefix });
    opened = 0;
    listener = new CompletionListener((lastEventId) => {
      opened += 1;
      return new QueueEvents('completion-test', { connection: redis, prefix, lastEventId });
    }, 200);
  });
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await listener.close();
    await queue.close();
  });
  after(() => redis.quit());

  const startWorker = () => {
    worker = new Worker('completion-test', async () => 'done', { connection: redis, prefix });
  };

  it('opens no listener for writes that do not wait', async () => {
    await queue.add('write', { n: 1 });
    expect(await waitForJob(await queue.add('write', { n: 2 }), alone(listener), 0)).to.equal(
      false,
    );
    expect(listener.isOpen).to.equal(false);
    expect(opened).to.equal(0);
  });

  it('opens one listener for concurrent waiters, sees each job complete, and closes when idle', async () => {
    startWorker();
    const jobs = await Promise.all([1, 2, 3].map((n) => queue.add('write', { n })));
    const finished = await Promise.all(jobs.map((job) => waitForJob(job, alone(listener), 5)));
    expect(finished).to.deep.equal([true, true, true]);
    expect(opened).to.equal(1);
    expect(listener.isOpen).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(listener.isOpen).to.equal(false);
  });

  it('opens again for a later waiter, and a job finished before the wait still counts', async () => {
    startWorker();
    const first = await queue.add('write', { n: 1 });
    expect(await waitForJob(first, alone(listener), 5)).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(listener.isOpen).to.equal(false);
    const second = await queue.add('write', { n: 2 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await waitForJob(second, alone(listener), 5)).to.equal(true);
    expect(opened).to.equal(2);
  });

  it('answers false when the job does not finish in time, and still closes afterwards', async () => {
    const job = await queue.add('write', { n: 1 });
    expect(await waitForJob(job, alone(listener), 0.3)).to.equal(false);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(listener.isOpen).to.equal(false);
  });
});
