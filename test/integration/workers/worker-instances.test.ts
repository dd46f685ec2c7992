import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { eventually } from '../../support/eventually.js';
import { http } from '../../support/http.js';
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
    const accepted = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        http('POST', `${pipeline.urls.listings}/listings`, {
          json: { user_id: 1, listing_type: 'sale', price: i + 1 },
        }),
      ),
    );
    expect(accepted.map((a) => a.status)).to.deep.equal(Array(10).fill(202));
    const batches: number[] = [];
    pipeline.startWorkers({
      onBatch: (queue, size) => queue === 'persist-listings' && batches.push(size),
    });
    await eventually(async () => {
      const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
        'SELECT COUNT(*) AS n FROM listings',
      );
      return Number(rows[0]?.n) === 10 ? true : undefined;
    });
    // No worker holds more than 3 jobs; one committer serves all four.
    expect(Math.max(...batches)).to.be.greaterThan(3);
    expect(batches.reduce((a, b) => a + b)).to.equal(10);
  });
});
