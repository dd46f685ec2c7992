import { expect } from 'chai';
import { preferredWaitSeconds } from '../../../../api/http/prefer-wait.js';

describe('preferredWaitSeconds(header, maxSeconds)', () => {
  const MAX = 30;

  const cases: { header: string | undefined; expected: number; why: string }[] = [
    { header: 'wait=5', expected: 5, why: 'reads wait=N as N seconds' },
    { header: 'respond-async, wait=3', expected: 3, why: 'finds wait among other preferences' },
    { header: 'wait=3, respond-async', expected: 3, why: 'finds wait before other preferences' },
    { header: 'WAIT=4', expected: 4, why: 'matches the preference name case-insensitively' },
    { header: 'wait = 6', expected: 6, why: 'allows spaces around "="' },
    { header: 'wait="7"', expected: 7, why: 'accepts a quoted value' },
    { header: 'wait=2;foo=bar', expected: 2, why: 'ignores parameters after ";"' },
    { header: 'wait=0', expected: 0, why: 'returns 0 for wait=0' },
    { header: 'wait=30', expected: 30, why: 'returns the maximum itself when asked for it' },
    { header: 'wait=31', expected: 30, why: 'caps a wait just above the maximum' },
    { header: 'wait=100000', expected: 30, why: 'caps a large wait at the maximum' },
    { header: undefined, expected: 0, why: 'returns 0 without a header' },
    { header: '', expected: 0, why: 'returns 0 for an empty header' },
    { header: 'respond-async', expected: 0, why: 'returns 0 when wait is not asked for' },
    { header: 'garbage', expected: 0, why: 'returns 0 for garbage' },
    { header: 'wait=abc', expected: 0, why: 'returns 0 for a non-numeric wait' },
    { header: 'wait=-1', expected: 0, why: 'returns 0 for a negative wait' },
    { header: 'wait=1.5', expected: 0, why: 'returns 0 for a fractional wait' },
    {
      header: 'nowait=5',
      expected: 0,
      why: 'does not match a preference that merely ends in wait',
    },
  ];

  for (const { header, expected, why } of cases) {
    it(`${why}: ${JSON.stringify(header)} → ${expected}`, () => {
      expect(preferredWaitSeconds(header, MAX)).to.equal(expected);
    });
  }

  it('uses the first wait preference when several are given', () => {
    expect(preferredWaitSeconds('wait=2, wait=9', MAX)).to.equal(2);
  });

  it('returns 0 for any request when the maximum is 0 (waiting disabled)', () => {
    expect(preferredWaitSeconds('wait=5', 0)).to.equal(0);
  });
});
