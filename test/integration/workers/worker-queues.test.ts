import { expect } from 'chai';
import { startPipeline, type Pipeline } from '../../support/pipeline.js';

/** The producers a worker process opens for the queues it consumes (WORKER_QUEUES). */
async function openedQueues(config: Record<string, string>): Promise<string[]> {
  const pipeline: Pipeline = await startPipeline({ workers: false, config });
  try {
    return pipeline.startWorkers().queues.map((queue) => queue.name);
  } finally {
    await pipeline.stop();
  }
}

describe('the queues a worker process opens', () => {
  it('opens what it consumes and the change-event queue its consumers publish to', async () => {
    expect(await openedQueues({ WORKER_QUEUES: 'persist-listings' })).to.have.members([
      'persist-listings',
      'replicate',
    ]);
  });

  it('opens no change-event queue for consumers that publish none', async () => {
    expect(await openedQueues({ WORKER_QUEUES: 'persist-orders' })).to.deep.equal([
      'persist-orders',
    ]);
  });

  it('opens the e-mail queue for customers only when there is someone to write to', async () => {
    expect(await openedQueues({ WORKER_QUEUES: 'persist-customers' })).to.have.members([
      'persist-customers',
      'replicate',
    ]);
    expect(
      await openedQueues({ WORKER_QUEUES: 'persist-customers', MAIL_TO: 'ops@example.test' }),
    ).to.have.members(['persist-customers', 'replicate', 'notify']);
  });
});
