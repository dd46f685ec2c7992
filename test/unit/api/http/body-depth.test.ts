import { expect } from 'chai';
import { MAX_BODY_DEPTH, nestingDepth } from '../../../../api/http/body-depth.js';

describe('nestingDepth (the body depth bound, issue 31)', () => {
  it('counts arrays and objects; scalars are depth 0', () => {
    expect(nestingDepth('x')).to.equal(0);
    expect(nestingDepth(null)).to.equal(0);
    expect(nestingDepth({ name: 'Ada' })).to.equal(1);
    expect(nestingDepth([{ a: [1] }, {}])).to.equal(3);
  });

  it('walks 100,000 levels without recursion, and stops one past the limit', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(nestingDepth(deep)).to.equal(MAX_BODY_DEPTH + 1);
    expect(nestingDepth(deep, 5)).to.equal(6);
  });
});
