import { expect } from 'chai';
import { KeyedQueue } from '../../../../../shared/infra/process/keyed-queue.js';

describe('KeyedQueue: one task at a time per key', () => {
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('runs one key’s tasks one after another, in order, and other keys’ alongside', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([
      queue.run('a', task('a1')),
      queue.run('a', task('a2')),
      queue.run('b', task('b1')),
    ]);
    expect(results).to.deep.equal(['a1', 'a2', 'b1']);
    expect(log.indexOf('a2 start')).to.be.greaterThan(log.indexOf('a1 end'));
    expect(log.indexOf('b1 start')).to.be.lessThan(log.indexOf('a1 end'));
  });

  it('goes on with a key after one of its tasks failed, and passes the failure to that caller', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('a', () => Promise.reject(new Error('boom')));
    const next = queue.run('a', () => Promise.resolve('next'));
    let error: unknown;
    try {
      await failed;
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).to.equal('boom');
    expect(await next).to.equal('next');
  });
});
