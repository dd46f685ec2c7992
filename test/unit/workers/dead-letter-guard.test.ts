import { expect } from 'chai';
import type { Job, Processor } from 'bullmq';
import { DeadLetterGuard } from '../../../workers/dead-letter-guard.js';
import type { DeadLetter, DeadLetterStore } from '../../../shared/infra/queues/dead-letters.js';
import { createLogger } from '../../../shared/infra/telemetry/logger.js';

const store = (recorded: DeadLetter[]): DeadLetterStore => ({
  record: async (letters) => void recorded.push(...letters),
  markStored: async () => undefined,
});

const guardOf = (recorded: DeadLetter[] = []) =>
  new DeadLetterGuard({
    store: store(recorded),
    logger: createLogger({ level: 'silent', name: 'test' }),
    backoffMs: 10,
    maxBatch: 10,
    maxWaitMs: 1,
  });

describe('DeadLetterGuard.guard (the processor BullMQ runs)', () => {
  it('declares a signal parameter only when the processor it guards does (BullMQ makes an AbortController per job for one)', () => {
    const guard = guardOf();
    const twoArgs: Processor = async (_job, _token) => 'two';
    const threeArgs: Processor = async (_job, _token, signal) => signal;
    expect(guard.guard('persist-listings', twoArgs).length).to.be.below(3);
    expect(guard.guard('persist-listings', threeArgs).length).to.equal(3);
  });

  it('passes the signal on to a processor that reads one, and returns what the processor returns', async () => {
    const guard = guardOf();
    const signal = new AbortController().signal;
    const job = { id: '1', attemptsMade: 0, opts: { attempts: 3 }, data: {} } as unknown as Job;
    const threeArgs: Processor = async (_job, _token, given) => given;
    expect(await guard.guard('persist-listings', threeArgs)(job, 't', signal)).to.equal(signal);
    expect(await guard.guard('persist-listings', async () => 42)(job, 't')).to.equal(42);
  });

  it('rethrows a failure that is retried, without a letter', async () => {
    const recorded: DeadLetter[] = [];
    const guard = guardOf(recorded);
    const job = { id: '1', attemptsMade: 0, opts: { attempts: 3 }, data: {} } as unknown as Job;
    const failing: Processor = async () => {
      throw new Error('try again');
    };
    let thrown: unknown;
    await guard
      .guard('persist-listings', failing)(job, 't')
      .catch((error) => (thrown = error));
    expect((thrown as Error).message).to.equal('try again');
    expect(recorded).to.deep.equal([]);
  });
});
