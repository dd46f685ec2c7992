import { expect } from 'chai';
import { steadyPhases } from '../../../bench/lib/load.js';

describe("bench loadSteady's plan (steadyPhases)", () => {
  it('splits the rate and the connections into equal shares that add up exactly', () => {
    const plan = steadyPhases(3402, 681, 20);
    expect(plan).to.have.length(20);
    expect(plan.reduce((total, phase) => total + phase.rate, 0)).to.equal(3402);
    expect(plan.reduce((total, phase) => total + phase.connections, 0)).to.equal(681);
    const rates = plan.map((phase) => phase.rate);
    expect(Math.max(...rates) - Math.min(...rates)).to.be.at.most(1);
  });

  it('starts the phases evenly over one second, the first at once', () => {
    expect(steadyPhases(400, 40, 4).map((phase) => phase.delayMs)).to.deep.equal([
      0, 250, 500, 750,
    ]);
  });

  it('refuses a rate or connection count below one per phase instead of raising it', () => {
    expect(() => steadyPhases(5, 100, 20)).to.throw(RangeError, /5 req\/s/);
    expect(() => steadyPhases(400, 10, 20)).to.throw(RangeError, /10 connections/);
    expect(() => steadyPhases(400, 40, 0)).to.throw(RangeError);
  });
});
