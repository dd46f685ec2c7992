import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../../shared/infra/process/connections.js';
import type { DeadLetter } from '../../../shared/infra/queues/dead-letters.js';
import type { ShardedQueue } from '../../../shared/infra/queues/sharded-queue.js';
import {
  DeadLettersService,
  UNKNOWN_QUEUE_STATE,
} from '../../../shared/domain/dead-letters/dead-letters.service.js';
import { DeadLetterRepository } from '../../../shared/domain/repositories/dead-letter.repository.js';
import { CREATED_RESOURCES } from '../../../shared/domain/resources/registry.js';
import { createQueue, queueNamesOf } from '../../../shared/domain/resources/resource-queues.js';
import { boatsResource } from '../../fixtures/boats/boats.resource.js';
import { testConfig } from '../../support/test-config.js';

/**
 * Issue 29: a re-drive knows the queues from the resources its process was
 * built with, not a hand-kept list. A letter of an added resource's queue
 * (boats) is re-driven by a process given that resource; a letter of a queue
 * the process does not have stays an open dead letter, and the answer says so.
 */
describe('re-driving dead letters to the queues of the process’s resources (issue 29)', () => {
  const config = testConfig();
  const resources = [...CREATED_RESOURCES, boatsResource];
  const key = `redrive-${randomUUID()}`;
  const boatJobId = `boat-${randomUUID()}`;
  const boatPayload = { version: 1, boat: { id: 424_242, name: 'Kept', length_cm: 300 } };
  let connections: Connections;
  let repository: DeadLetterRepository;
  let boatsQueue: ShardedQueue<unknown>;

  const letter = (
    queue: string,
    resource: string,
    jobId: string,
    payload: unknown,
  ): DeadLetter => ({
    queue,
    jobId,
    jobName: 'persist',
    resource,
    key,
    version: 1,
    payload,
    error: 'store down',
    attempts: 2,
    failedAt: Date.now(),
  });
  const service = (options: ConstructorParameters<typeof DeadLettersService>[3] = {}) =>
    new DeadLettersService(config, repository, connections.queueProducer, options);
  const openQueues = async (): Promise<string[]> =>
    (await repository.search({ key, state: 'open' }, { limit: 10 })).map((l) => l.queue).sort();

  before(async () => {
    connections = await openConnections(config);
    repository = new DeadLetterRepository(connections.mysql);
    boatsQueue = createQueue(config, connections.queueRedis, boatsResource.queue, resources);
    await repository.record([
      letter(boatsResource.queue, 'boats', boatJobId, boatPayload),
      letter('persist-ghosts', 'ghosts', `ghost-${randomUUID()}`, { version: 1, ghost: { id: 1 } }),
    ]);
  });
  after(async () => {
    await (await boatsQueue.getJobOf(boatPayload, boatJobId))?.remove();
    await boatsQueue.close();
    await connections.mysql.query('DELETE FROM dead_letters WHERE resource_key = ?', [key]);
    await closeConnections(connections);
  });

  it('names every queue of the resources: each created one’s, each keyed one’s, the events’', () => {
    expect(queueNamesOf(resources)).to.include.members([
      'persist-boats',
      'persist-users',
      'persist-customers',
      'persist-orders',
      'replicate',
      'notify',
    ]);
    expect(queueNamesOf()).not.to.include('persist-boats');
    expect(service({ resources }).queues).to.deep.equal(queueNamesOf(resources));
  });

  it('leaves open, and reports, the letters of queues the process does not have', async () => {
    const registryOnly = service();
    try {
      const dry = await registryOnly.redrive({ key, state: 'open' }, { dryRun: true, sample: 10 });
      expect(dry).to.include({ matched: 2, redriven: 0, skipped: 2 });
      expect(dry.skippedQueues).to.deep.equal(['persist-boats', 'persist-ghosts']);
      const done = await registryOnly.redrive(
        { key, state: 'open' },
        { dryRun: false, sample: 10 },
      );
      expect(done).to.include({ matched: 2, redriven: 0, requeued: 0, skipped: 2 });
      expect(done.skippedQueues).to.deep.equal(['persist-boats', 'persist-ghosts']);
      expect(await openQueues()).to.deep.equal(['persist-boats', 'persist-ghosts']);
      expect(await boatsQueue.getJobOf(boatPayload, boatJobId)).to.equal(undefined);
    } finally {
      await registryOnly.close();
    }
  });

  it('re-drives a letter of an added resource’s queue; an unknown queue’s stays a dead letter', async () => {
    const withBoats = service({ resources });
    try {
      const dry = await withBoats.redrive({ key, state: 'open' }, { dryRun: true, sample: 10 });
      expect(dry).to.include({ matched: 2, redriven: 0, skipped: 1 });
      expect(dry.skippedQueues).to.deep.equal(['persist-ghosts']);
      const states = Object.fromEntries(
        dry.letters.map((l) => [l.queue, 'jobState' in l ? l.jobState : undefined]),
      );
      expect(states).to.deep.equal({
        'persist-boats': 'absent',
        'persist-ghosts': UNKNOWN_QUEUE_STATE,
      });

      const done = await withBoats.redrive({ key, state: 'open' }, { dryRun: false, sample: 10 });
      expect(done).to.include({
        matched: 2,
        redriven: 1,
        requeued: 1,
        alreadyQueued: 0,
        skipped: 1,
      });
      expect(done.skippedQueues).to.deep.equal(['persist-ghosts']);
      const job = await boatsQueue.getJobOf(boatPayload, boatJobId);
      expect(job?.data).to.deep.equal(boatPayload);
      expect(await openQueues()).to.deep.equal(['persist-ghosts']);

      // By id too: the unknown queue's letter is matched, skipped, and still open.
      const [ghost] = await repository.search(
        { key, queue: 'persist-ghosts', state: 'open' },
        {
          limit: 1,
        },
      );
      const one = await withBoats.redrive(
        { id: ghost!.id, state: 'all' },
        {
          dryRun: false,
          sample: 1,
        },
      );
      expect(one).to.include({ matched: 1, redriven: 0, skipped: 1 });
      expect(await openQueues()).to.deep.equal(['persist-ghosts']);
    } finally {
      await withBoats.close();
    }
  });
});
