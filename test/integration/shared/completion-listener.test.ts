import { expect } from 'chai';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  CompletionListener,
  type IdleTimer,
  type JobCompletions,
} from '../../../shared/infra/queues/completion-listener.js';
import { waitForJob } from '../../../shared/infra/queues/wait-for-job.js';
import { eventually } from '../../support/eventually.js';
import { testConfig } from '../../support/test-config.js';

/** One queue's listener as the completions of its jobs (a queue of one shard). */
const alone = (listener: CompletionListener): JobCompletions => ({
  use: (_job, wait) => listener.use(wait),
});

/** An idle timer the test runs by hand: "the idle time has passed" is a call, not a sleep. */
function handIdleTimer() {
  const pending = new Set<{ run: () => void; ms: number }>();
  const timer: IdleTimer = (run, ms) => {
    const entry = { run, ms };
    pending.add(entry);
    return () => pending.delete(entry);
  };
  return {
    timer,
    /** The delays of the timers set and not cancelled. */
    pendingMs: () => [...pending].map((entry) => entry.ms),
    /** Every pending timer's time has passed. */
    elapse() {
      const due = [...pending];
      pending.clear();
      for (const entry of due) entry.run();
    },
  };
}

describe('CompletionListener: completion events only while someone waits', () => {
  const prefix = 'test';
  const idleMs = 200;
  let redis: Redis;
  let queue: Queue<{ n: number }>;
  let worker: Worker | undefined;
  let opened: number;
  let idle: ReturnType<typeof handIdleTimer>;
  let listener: CompletionListener;

  before(() => {
    redis = new Redis(testConfig().redis.queueUrl, { maxRetriesPerRequest: null });
  });
  beforeEach(() => {
    // A queue of this test's own: nothing else reads or clears it, and nothing is flushed.
    const name = `completion-test-${Math.random().toString(36).slice(2)}`;
    queue = new Queue(name, { connection: redis, prefix });
    opened = 0;
    idle = handIdleTimer();
    listener = new CompletionListener(
      (lastEventId) => {
        opened += 1;
        return new QueueEvents(name, { connection: redis, prefix, lastEventId });
      },
      idleMs,
      undefined,
      idle.timer,
    );
  });
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await listener.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });
  after(() => redis.quit());

  const startWorker = () => {
    worker = new Worker(queue.name, async () => 'done', { connection: redis, prefix });
  };
  const closed = () =>
    eventually(async () => (listener.isOpen ? undefined : true), { what: 'the listener to close' });

  it('opens no listener for writes that do not wait', async () => {
    await queue.add('write', { n: 1 });
    expect(await waitForJob(await queue.add('write', { n: 2 }), alone(listener), 0)).to.equal(
      false,
    );
    expect(listener.isOpen).to.equal(false);
    expect(opened).to.equal(0);
    expect(idle.pendingMs()).to.deep.equal([]);
  });

  it('opens one listener for concurrent waiters, sees each job complete, and closes when idle', async () => {
    startWorker();
    const jobs = await Promise.all([1, 2, 3].map((n) => queue.add('write', { n })));
    const finished = await Promise.all(jobs.map((job) => waitForJob(job, alone(listener), 5)));
    expect(finished).to.deep.equal([true, true, true]);
    expect(opened).to.equal(1);
    // Nobody waits now: one idle timer of idleMs is set, and until it runs the listener stays open.
    expect(idle.pendingMs()).to.deep.equal([idleMs]);
    expect(listener.isOpen).to.equal(true);
    idle.elapse();
    await closed();
  });

  it('opens again for a later waiter, and a job finished before the wait still counts', async () => {
    startWorker();
    const first = await queue.add('write', { n: 1 });
    expect(await waitForJob(first, alone(listener), 5)).to.equal(true);
    idle.elapse();
    await closed();
    const second = await queue.add('write', { n: 2 });
    await eventually(async () => ((await second.getState()) === 'completed' ? true : undefined), {
      what: 'the second job to complete before anyone waits for it',
    });
    expect(await waitForJob(second, alone(listener), 5)).to.equal(true);
    expect(opened).to.equal(2);
  });

  it('keeps the listener open for a waiter who comes before the idle time has passed', async () => {
    startWorker();
    expect(await waitForJob(await queue.add('write', { n: 1 }), alone(listener), 5)).to.equal(true);
    expect(idle.pendingMs()).to.deep.equal([idleMs]);
    expect(await waitForJob(await queue.add('write', { n: 2 }), alone(listener), 5)).to.equal(true);
    // The first idle timer was cancelled when the second waiter came; only the second's is left.
    expect(idle.pendingMs()).to.deep.equal([idleMs]);
    expect(opened).to.equal(1);
  });

  it('answers false when the job does not finish in time, and still closes afterwards', async () => {
    const job = await queue.add('write', { n: 1 });
    expect(await waitForJob(job, alone(listener), 0.3)).to.equal(false);
    expect(listener.isOpen).to.equal(true);
    idle.elapse();
    await closed();
  });
});
