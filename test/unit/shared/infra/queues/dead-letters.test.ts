import { expect } from 'chai';
import { DelayedError, UnrecoverableError } from 'bullmq';
import {
  deadLetterJobIds,
  deadLettersOf,
  failsForGood,
  mayHaveDeadLetter,
  redrivenJobName,
  type FailedJob,
} from '../../../../../shared/infra/queues/dead-letters.js';
import { QUEUE_NAMES } from '../../../../../shared/infra/queues/queue-names.js';
import { deadLetterAddresses } from '../../../../../shared/domain/resources/dead-letter-addresses.js';
import { CREATED_RESOURCES } from '../../../../../shared/domain/resources/registry.js';

/** The addresses of a process running this build's resources. */
const addresses = deadLetterAddresses(CREATED_RESOURCES);

const job = (data: unknown, more: Partial<FailedJob> = {}): FailedJob => ({
  id: 'job-1',
  name: 'write',
  data,
  attemptsMade: 0,
  opts: { attempts: 3 },
  ...more,
});

describe('dead letters: what a job that fails for good leaves (shared/infra/queues/dead-letters.ts)', () => {
  it('fails for good on its last attempt, or at once when unrecoverable; waiting is not failing', () => {
    const error = new Error('mysql is down');
    expect(failsForGood(job({}, { attemptsMade: 0 }), error)).to.equal(false);
    expect(failsForGood(job({}, { attemptsMade: 2 }), error)).to.equal(true);
    // Retried from Bull Board after it failed for good: its attempts stay used up.
    expect(failsForGood(job({}, { attemptsMade: 3 }), error)).to.equal(true);
    expect(failsForGood(job({}), new UnrecoverableError('malformed'))).to.equal(true);
    expect(failsForGood(job({}, { attemptsMade: 2 }), new DelayedError())).to.equal(false);
    expect(failsForGood(job({}, { opts: {} }), error)).to.equal(true);
  });

  it('names the resource, key and version of each kind of write', () => {
    const cases: [string, unknown, string, string | null, number | null][] = [
      [QUEUE_NAMES.persistUsers, { version: 1, user: { id: 7 } }, 'users', '7', 1],
      [QUEUE_NAMES.persistListings, { version: 1, listing: { id: 8 } }, 'listings', '8', 1],
      [QUEUE_NAMES.persistPeople, { version: 1, person: { id: 9 } }, 'people', '9', 1],
      [
        QUEUE_NAMES.persistCustomers,
        { customer: { uuid: 'c-1', version: 4 }, before: null },
        'customers',
        'c-1',
        4,
      ],
      [QUEUE_NAMES.persistOrders, { order: { id: 'ab12', version: 2 } }, 'orders', 'ab12', 2],
      [
        QUEUE_NAMES.notify,
        { id: 'e', entity: 'customers', key: 'c-2', version: 3 },
        'customers',
        'c-2',
        3,
      ],
      // A malformed payload is kept all the same, without a key.
      [QUEUE_NAMES.persistOrders, { order: { id: { $gt: '' } } }, 'orders', null, null],
      [QUEUE_NAMES.persistUsers, 'not an object', 'users', null, null],
    ];
    for (const [queue, data, resource, key, version] of cases) {
      const [letter] = deadLettersOf(
        queue as never,
        job(data),
        new Error('boom'),
        3,
        1000,
        addresses,
      );
      expect(letter, queue).to.deep.include({ queue, jobId: 'job-1', resource, key, version });
      expect(letter).to.deep.include({ payload: data, error: 'boom', attempts: 3, failedAt: 1000 });
    }
  });

  it('files a letter under the resources the process was given, and keeps one of a queue it was not', () => {
    const boats = {
      ...CREATED_RESOURCES[0]!,
      entity: 'boats',
      resourceKey: 'boat',
      queue: 'persist-boats',
    };
    const given = deadLetterAddresses([...CREATED_RESOURCES, boats] as never);
    const data = { version: 2, boat: { id: 5 } };
    const [letter] = deadLettersOf('persist-boats', job(data), 'boom', 1, 1, given);
    expect(letter).to.deep.include({ resource: 'boats', key: '5', version: 2 });
    // Not given it: no guess from the payload's shape.
    const [unaddressed] = deadLettersOf('persist-boats', job(data), 'boom', 1, 1, addresses);
    expect(unaddressed).to.deep.include({
      resource: 'unknown',
      key: null,
      version: null,
      payload: data,
    });
  });

  it('keeps a replicate batch as one letter per change event, under the event’s own id', () => {
    const events = [
      { id: 'users-1-v1-event', entity: 'users', key: '1', version: 1 },
      { id: 'users-2-v1-event', entity: 'users', key: '2', version: 1 },
    ];
    const batch = job({ events }, { id: 'users-events-xyz' });
    const letters = deadLettersOf(QUEUE_NAMES.replicate, batch, 'mongo down', 10, 5, addresses);
    expect(letters.map((l) => [l.jobId, l.key, l.payload])).to.deep.equal([
      ['users-1-v1-event', '1', events[0]],
      ['users-2-v1-event', '2', events[1]],
    ]);
    expect(deadLetterJobIds(QUEUE_NAMES.replicate, batch, addresses)).to.deep.equal([
      'users-1-v1-event',
      'users-2-v1-event',
    ]);
  });

  it('recognises a job that may have a letter when it completes: re-driven, or retried after failing for good', () => {
    expect(redrivenJobName('orders.update')).to.equal('redrive:orders.update');
    expect(redrivenJobName('redrive:orders.update')).to.equal('redrive:orders.update');
    expect(mayHaveDeadLetter(job({}, { name: 'redrive:orders.update', attemptsMade: 1 }))).to.equal(
      true,
    );
    expect(mayHaveDeadLetter(job({}, { attemptsMade: 4 }))).to.equal(true);
    expect(mayHaveDeadLetter(job({}, { attemptsMade: 3 }))).to.equal(false);
  });
});
