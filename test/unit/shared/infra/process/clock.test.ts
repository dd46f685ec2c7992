import { expect } from 'chai';
import { nowMicros } from '../../../../../shared/infra/process/clock.js';

describe('nowMicros()', () => {
  it('is strictly increasing across 10,000 consecutive calls', () => {
    let previous = nowMicros();
    let violations = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const current = nowMicros();
      if (current <= previous) violations += 1;
      previous = current;
    }
    expect(violations).to.equal(0);
  });

  it('returns safe integers', () => {
    for (let i = 0; i < 1000; i += 1) {
      expect(Number.isSafeInteger(nowMicros())).to.equal(true);
    }
  });

  it('stays within one second of the wall clock (Date.now() × 1000)', () => {
    for (let i = 0; i < 10_000; i += 1) nowMicros();
    const before = Date.now() * 1000;
    const micros = nowMicros();
    const after = Date.now() * 1000;
    expect(micros).to.be.at.least(before);
    expect(micros).to.be.at.most(after + 1_000_000);
    expect(Math.abs(micros - after)).to.be.below(1_000_000);
  });
});
