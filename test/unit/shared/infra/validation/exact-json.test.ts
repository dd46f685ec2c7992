import { expect } from 'chai';
import {
  exactJsonNumber,
  hasInexactNumber,
  parseExactJson,
} from '../../../../../shared/infra/validation/exact-json.js';

describe('exact JSON numbers (issue 31 item 7)', () => {
  it('keeps the double when it holds the decimal written, the literal when it does not', () => {
    for (const exact of ['0.1', '12345.67', '1e2', '100.50', '-0', '9007199254740992']) {
      expect(exactJsonNumber(exact), exact).to.equal(Number(exact));
    }
    for (const lossy of ['0.10000000000000001', '9007199254740993', '1e400', '99999999999999.99']) {
      expect(exactJsonNumber(lossy), lossy).to.equal(lossy);
    }
  });

  it('finds an inexact number outside strings only', () => {
    expect(hasInexactNumber('{"a":"0.10000000000000001","b":0.1}')).to.equal(false);
    expect(hasInexactNumber('{"a":"x\\"0.1","b":0.10000000000000001}')).to.equal(true);
  });

  it('parses as JSON.parse does, inexact numbers as their text, without recursion', () => {
    expect(parseExactJson('{"income":0.10000000000000001,"n":[1,2.5]}')).to.deep.equal({
      income: '0.10000000000000001',
      n: [1, 2.5],
    });
    expect(() => parseExactJson('{"a":')).to.throw(SyntaxError);
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    expect(parseExactJson(deep)).to.be.an('array');
  });
});
