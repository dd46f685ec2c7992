import { expect } from 'chai';
import { pino } from 'pino';
import { isoTimeStamp } from '../../../../../shared/infra/telemetry/logger.js';
import { eventually } from '../../../../support/eventually.js';

describe("isoTimeStamp (the log lines' time, formatted once per millisecond)", () => {
  it('writes what pino.stdTimeFunctions.isoTime writes, and moves with the clock', async () => {
    const before = Date.now();
    const stamp = isoTimeStamp();
    const parsed = Date.parse(/^,"time":"(.+)"$/.exec(stamp)?.[1] ?? '');
    expect(parsed).to.be.within(before, Date.now());
    expect(stamp).to.match(/^,"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"$/);
    expect(pino.stdTimeFunctions.isoTime()).to.match(/^,"time":"[^"]+"$/);
    // Observed, not slept for: the stamp changes once the clock reaches the next millisecond.
    await eventually(async () => (isoTimeStamp() !== stamp ? true : undefined), {
      intervalMs: 1,
      what: 'the time stamp to move with the clock',
    });
    const now = isoTimeStamp();
    expect(now >= stamp).to.equal(true);
  });
});
