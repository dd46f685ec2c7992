import { expect } from 'chai';
import { splitConcurrency } from '../../../workers/split-concurrency.js';

describe('splitConcurrency: a queue’s concurrency shared by its BullMQ workers', () => {
  it('splits evenly when it divides', () => {
    expect(splitConcurrency(1000, 8)).to.deep.equal([125, 125, 125, 125, 125, 125, 125, 125]);
  });

  it('gives the remainder to the first workers, so the total is exactly the concurrency', () => {
    expect(splitConcurrency(10, 4)).to.deep.equal([3, 3, 2, 2]);
    expect(splitConcurrency(10, 8).reduce((a, b) => a + b)).to.equal(10);
  });

  it('makes no worker without a slot: fewer workers than instances when the concurrency is small', () => {
    expect(splitConcurrency(3, 8)).to.deep.equal([1, 1, 1]);
    expect(splitConcurrency(1, 8)).to.deep.equal([1]);
  });

  it('is one worker with everything when instances is 1', () => {
    expect(splitConcurrency(1000, 1)).to.deep.equal([1000]);
  });
});
