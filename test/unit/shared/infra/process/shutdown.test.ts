import { expect } from 'chai';
import { createLogger } from '../../../../../shared/infra/telemetry/logger.js';
import { runShutdown, type ShutdownStep } from '../../../../../shared/infra/process/shutdown.js';

const logger = createLogger({ level: 'silent', name: 'test' });

describe('runShutdown(steps, { timeoutMs, logger })', () => {
  it('runs every step once, in order, each after the previous one finished', async () => {
    const events: string[] = [];
    const step = (name: string, delayMs: number): ShutdownStep => ({
      name,
      run: async () => {
        events.push(`${name} start`);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        events.push(`${name} end`);
      },
    });
    const finished = await runShutdown([step('http', 10), step('workers', 0), step('db', 1)], {
      timeoutMs: 5_000,
      logger,
    });
    expect(finished).to.equal(true);
    expect(events).to.deep.equal([
      'http start',
      'http end',
      'workers start',
      'workers end',
      'db start',
      'db end',
    ]);
  });

  it('keeps going after a step that rejects and still resolves true', async () => {
    const ran: string[] = [];
    const finished = await runShutdown(
      [
        { name: 'first', run: async () => ran.push('first') },
        {
          name: 'broken',
          run: async () => {
            ran.push('broken');
            throw new Error('connection already closed');
          },
        },
        { name: 'last', run: async () => ran.push('last') },
      ],
      { timeoutMs: 5_000, logger },
    );
    expect(finished).to.equal(true);
    expect(ran).to.deep.equal(['first', 'broken', 'last']);
  });

  it('keeps going after a step that throws synchronously', async () => {
    const ran: string[] = [];
    const finished = await runShutdown(
      [
        {
          name: 'sync-throw',
          run: () => {
            throw new Error('boom');
          },
        },
        { name: 'last', run: async () => ran.push('last') },
      ],
      { timeoutMs: 5_000, logger },
    );
    expect(finished).to.equal(true);
    expect(ran).to.deep.equal(['last']);
  });

  it('resolves true for no steps', async () => {
    expect(await runShutdown([], { timeoutMs: 50, logger })).to.equal(true);
  });

  it('resolves false when the deadline passes before the steps finish', async () => {
    const ran: string[] = [];
    const started = Date.now();
    const finished = await runShutdown(
      [
        { name: 'hangs', run: () => new Promise<never>(() => {}) },
        { name: 'after', run: async () => ran.push('after') },
      ],
      { timeoutMs: 50, logger },
    );
    expect(finished).to.equal(false);
    expect(Date.now() - started).to.be.at.least(45);
    expect(ran).to.deep.equal([]);
  });
});
