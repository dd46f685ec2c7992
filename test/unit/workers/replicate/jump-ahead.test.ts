import { expect } from 'chai';
import type { Job } from 'bullmq';
import {
  JUMP_AHEAD_AFTER_MS,
  JUMP_AHEAD_AFTER_WAITS,
  mayJumpAhead,
} from '../../../../workers/replicate/replicate.processor.js';

/** A replicate job as a worker sees it: created at `timestamp`, started `started` times. */
function job(fields: { timestamp: number; attemptsStarted: number; attemptsMade?: number }): Job {
  return { attemptsMade: 0, ...fields } as unknown as Job;
}

describe('replicate: when a change may jump ahead of the versions between (spec §9)', () => {
  const now = 1_000_000;
  const old = now - JUMP_AHEAD_AFTER_MS - 1;

  it('never for a job that is old but has not waited: a frozen or starved worker’s job', () => {
    expect(mayJumpAhead(job({ timestamp: old, attemptsStarted: 1 }), now)).to.equal(false);
    // Taken over once after its worker froze: still no wait of its own.
    expect(mayJumpAhead(job({ timestamp: old, attemptsStarted: 2 }), now)).to.equal(false);
  });

  it('never for a job that waited many short rounds but is young', () => {
    const young = job({ timestamp: now - 1000, attemptsStarted: JUMP_AHEAD_AFTER_WAITS + 5 });
    expect(mayJumpAhead(young, now)).to.equal(false);
  });

  it('once it has waited its rounds and is old enough', () => {
    const waited = job({ timestamp: old, attemptsStarted: JUMP_AHEAD_AFTER_WAITS + 1 });
    expect(mayJumpAhead(waited, now)).to.equal(true);
  });

  it('counts failed attempts as attempts, not waits', () => {
    const retried = job({
      timestamp: old,
      attemptsStarted: JUMP_AHEAD_AFTER_WAITS + 1,
      attemptsMade: JUMP_AHEAD_AFTER_WAITS,
    });
    expect(mayJumpAhead(retried, now)).to.equal(false);
  });
});
