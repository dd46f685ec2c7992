import { expect } from 'chai';
import { ImportReportBuilder } from '../../../../../shared/domain/people/import-report.js';

describe('ImportReportBuilder', () => {
  it('counts every problem exactly but lists only the lowest lines, in line order', () => {
    const builder = new ImportReportBuilder(3);
    // Out of order on purpose: parse errors can arrive before earlier rows are checked.
    for (const line of [9, 4, 7, 2, 30, 5, 11, 3]) {
      builder.add({ line, kind: line % 2 === 0 ? 'duplicate' : 'invalid', errors: ['x'] });
    }
    builder.counts.accepted += 5;
    const report = builder.build();
    expect(report.counts).to.deep.equal({ accepted: 5, duplicate: 3, invalid: 5 });
    expect(report.problems.map((p) => p.line)).to.deep.equal([2, 3, 4]);
    expect(report.problems_omitted).to.equal(5);
    expect(report.complete).to.equal(true);
  });

  it('keeps memory bounded when a file is full of problems', () => {
    const builder = new ImportReportBuilder(10);
    for (let line = 100_000; line > 1; line -= 1)
      builder.add({ line, kind: 'invalid', errors: [] });
    const report = builder.build();
    expect(report.counts.invalid).to.equal(99_999);
    expect(report.problems.map((p) => p.line)).to.deep.equal([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(report.problems_omitted).to.equal(99_989);
  });
});
