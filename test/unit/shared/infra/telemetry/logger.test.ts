import { expect } from 'chai';
import { pino } from 'pino';
import { mkdtempSync, openSync, readFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isoTimeStamp, stdoutDestination } from '../../../../../shared/infra/telemetry/logger.js';
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

describe('stdoutDestination (the log lines, written asynchronously)', () => {
  it('writes every line byte for byte, multi-byte text included, and flushes them', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'spillway-log-')), 'out.log');
    const fd = openSync(file, 'w');
    const destination = stdoutDestination(fd);
    const log = pino({ base: null, timestamp: false }, destination);
    const lines: string[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const text = i % 3 === 0 ? `café ☕ ${i}` : `line ${i}`;
      log.info({ i }, text);
      lines.push(JSON.stringify({ level: 30, i, msg: text }));
    }
    await new Promise<void>((resolve, reject) =>
      destination.flush((error) => (error ? reject(error) : resolve())),
    );
    destination.flushSync();
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).to.equal(lines.map((line) => `${line}\n`).join(''));
  });
});
