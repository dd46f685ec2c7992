import { expect } from 'chai';
import { parseIncome } from '../../../../../shared/domain/customers/income.js';

describe('parseIncome (exact DECIMAL(20,2) text, never rounded)', () => {
  const accepted: [string | number, string][] = [
    ['12345.67', '12345.67'],
    ['0.10', '0.10'],
    ['0.1', '0.10'],
    ['100', '100.00'],
    ['007.5', '7.50'],
    ['99999999999999.99', '99999999999999.99'],
    ['999999999999999999.99', '999999999999999999.99'],
    [12345.67, '12345.67'],
    [0, '0.00'],
    [0.1, '0.10'],
    [9007199254740991, '9007199254740991.00'],
  ];
  for (const [input, canonical] of accepted) {
    it(`accepts ${JSON.stringify(input)} as "${canonical}"`, () => {
      expect(parseIncome(input)).to.deep.equal({ ok: true, value: canonical });
    });
  }

  const refused: (string | number)[] = [
    '-1',
    -0.01,
    '1.005',
    0.001,
    'abc',
    '',
    '1e3',
    ' 1',
    '1.',
    '.5',
    '1000000000000000000.00',
    Number.NaN,
    Number.POSITIVE_INFINITY,
    1e21,
  ];
  for (const input of refused) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      const result = parseIncome(input);
      expect(result.ok).to.equal(false);
    });
  }

  it('takes a JSON number as the decimal its shortest text writes', () => {
    // The HTTP layer keeps a literal that a double would round as its text
    // (shared/infra/validation/exact-json.ts), so a number here is what the client wrote.
    expect(parseIncome(JSON.parse('99999999999999.98') as number)).to.deep.equal({
      ok: true,
      value: '99999999999999.98',
    });
    expect(parseIncome(JSON.parse('12345.675') as number)).to.deep.include({ ok: false });
  });
});
