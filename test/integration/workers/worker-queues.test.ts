import { expect } from 'chai';
import { ConfigError } from '../../../config/index.js';
import { startPipeline, type Pipeline } from '../../support/pipeline.js';
import { runEntry } from '../../support/processes.js';
import { testEnv } from '../../support/test-config.js';

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

  it('starts no worker when WORKER_QUEUES names a queue it has no consumer for', async () => {
    const pipeline = await startPipeline({
      workers: false,
      config: { WORKER_QUEUES: 'persist-users,persist-lisings' },
    });
    try {
      expect(() => pipeline.startWorkers()).to.throw(ConfigError, 'unknown "persist-lisings"');
    } finally {
      await pipeline.stop();
    }
  });
});

describe('a worker process given a queue it has no consumer for', () => {
  it('stops at start-up (exit 2), naming the unknown queue and the queues there are', async function () {
    this.timeout(30_000);
    const workers = runEntry(
      'workers/main.ts',
      [],
      testEnv({ WORKER_QUEUES: 'persist-users,persist-lisings' }),
    );
    try {
      const code = await new Promise<number | null>((resolve) =>
        workers.child.once('exit', resolve),
      );
      expect(code, workers.output()).to.equal(2);
      expect(workers.output()).to.include(
        'WORKER_QUEUES: unknown "persist-lisings"; expected some of persist-users, persist-listings',
      );
    } finally {
      await workers.stop('SIGKILL');
    }
  });
});
