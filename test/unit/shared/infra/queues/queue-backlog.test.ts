import { expect } from 'chai';
import {
  QueueBacklog,
  type BacklogSource,
} from '../../../../../shared/infra/queues/queue-backlog.js';

/** A queue whose counts the test sets, counting how often it is asked. */
function fakeQueue(name: string, counts: Record<string, number>) {
  const queue = {
    name,
    counts,
    calls: 0,
    async getJobCounts() {
      queue.calls += 1;
      return { ...queue.counts };
    },
  };
  return queue;
}

describe('QueueBacklog', () => {
  it('sums waiting, prioritized and delayed jobs', async () => {
    const queue = fakeQueue('q', { waiting: 3, prioritized: 1, delayed: 2 });
    expect(await new QueueBacklog(250).count(queue as BacklogSource)).to.equal(6);
  });

  it('asks Redis at most once per interval per queue, then again after it', async () => {
    let now = 1000;
    const backlog = new QueueBacklog(250, () => now);
    const a = fakeQueue('a', { waiting: 1 });
    const b = fakeQueue('b', { waiting: 7 });
    expect(await backlog.count(a as BacklogSource)).to.equal(1);
    a.counts.waiting = 50;
    now += 249;
    expect(await backlog.count(a as BacklogSource)).to.equal(1);
    expect(await backlog.count(b as BacklogSource)).to.equal(7);
    expect([a.calls, b.calls]).to.deep.equal([1, 1]);
    now += 1;
    expect(await backlog.count(a as BacklogSource)).to.equal(50);
    expect(a.calls).to.equal(2);
  });

  it('lets concurrent callers share one count', async () => {
    const queue = fakeQueue('q', { waiting: 4 });
    const backlog = new QueueBacklog(250);
    const counts = await Promise.all(
      Array.from({ length: 10 }, () => backlog.count(queue as BacklogSource)),
    );
    expect(counts).to.deep.equal(Array(10).fill(4));
    expect(queue.calls).to.equal(1);
  });

  it('asks every time with an interval of 0', async () => {
    const queue = fakeQueue('q', { waiting: 4 });
    const backlog = new QueueBacklog(0);
    await backlog.count(queue as BacklogSource);
    await backlog.count(queue as BacklogSource);
    expect(queue.calls).to.equal(2);
  });
});
