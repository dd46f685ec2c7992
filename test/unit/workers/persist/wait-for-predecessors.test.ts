import { expect } from 'chai';
import { predecessorWaitMs } from '../../../../workers/persist/wait-for-predecessors.js';

describe('persist: how long a write waits for the writes before it (spec §9)', () => {
  it('waits briefly while young: its predecessor is usually in the next batch', () => {
    expect(predecessorWaitMs(0)).to.equal(20);
    expect(predecessorWaitMs(400)).to.equal(100);
  });

  it('the next write of a backlog looks again within a second', () => {
    expect(predecessorWaitMs(60_000, 1)).to.equal(1000);
  });

  it('writes further back look less often, up to 5 s', () => {
    expect(predecessorWaitMs(60_000, 3)).to.equal(3000);
    expect(predecessorWaitMs(60_000, 40)).to.equal(5000);
    // Still a quarter of its age while that is shorter.
    expect(predecessorWaitMs(2000, 40)).to.equal(500);
  });
});
