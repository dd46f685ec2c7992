import { expect } from 'chai';
import { eventually } from '../../support/eventually.js';
import { countRows, postListings } from '../../support/listing-writes.js';
import { startPipeline, type Pipeline } from '../../support/pipeline.js';

describe('several BullMQ workers per queue in one process (WORKER_INSTANCES)', () => {
  let pipeline: Pipeline;

  beforeEach(async () => {
    pipeline = await startPipeline({
      workers: false,
      config: {
        WORKER_INSTANCES: '4',
        WORKER_CONCURRENCY: '10',
        NOTIFY_CONCURRENCY: '3',
        // Long enough that every waiting job reaches the committer before it flushes.
        GROUP_COMMIT_MAX_WAIT_MS: '300',
      },
    });
  });
  afterEach(() => pipeline.stop());

  it('split each queue’s concurrency over its workers; e-mail keeps one worker of its own', async () => {
    const running = pipeline.startWorkers();
    const slots = (queue: string) =>
      running.workers.filter((w) => w.name === queue).map((w) => w.concurrency);
    expect(slots('persist-listings')).to.deep.equal([3, 3, 2, 2]);
    expect(slots('replicate')).to.deep.equal([3, 3, 2, 2]);
    expect(slots('notify')).to.deep.equal([3]);
  });

  it('commit the jobs its workers took together, in one batch larger than any one worker holds', async () => {
    const accepted = await postListings(pipeline, 10, 'sale');
    expect(accepted.map((a) => a.status)).to.deep.equal(Array(10).fill(202));
    const batches: number[] = [];
    pipeline.startWorkers({
      onBatch: (queue, size) => queue === 'persist-listings' && batches.push(size),
    });
    await eventually(async () =>
      (await countRows(pipeline, 'listings')) === 10 ? true : undefined,
    );
    // No worker holds more than 3 jobs; one committer serves all four.
    expect(Math.max(...batches)).to.be.greaterThan(3);
    expect(batches.reduce((a, b) => a + b)).to.equal(10);
  });
});
