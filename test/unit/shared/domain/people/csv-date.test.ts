import { expect } from 'chai';
import { expandYear, normaliseCsvDate } from '../../../../../shared/domain/people/csv-date.js';

describe('normaliseCsvDate(raw) — CSV dates to ISO YYYY-MM-DD', () => {
  describe('M/D/YY, two-digit years by the POSIX pivot', () => {
    it('reads 00–68 as 2000–2068', () => {
      expect(normaliseCsvDate('6/14/05')).to.equal('2005-06-14');
      expect(normaliseCsvDate('1/1/00')).to.equal('2000-01-01');
      expect(normaliseCsvDate('12/31/68')).to.equal('2068-12-31');
    });

    it('reads 69–99 as 1969–1999', () => {
      expect(normaliseCsvDate('1/1/69')).to.equal('1969-01-01');
      expect(normaliseCsvDate('5/31/79')).to.equal('1979-05-31');
      expect(normaliseCsvDate('12/31/99')).to.equal('1999-12-31');
    });

    it('accepts leading zeros and surrounding spaces', () => {
      expect(normaliseCsvDate(' 06/09/21 ')).to.equal('2021-06-09');
    });

    it('keeps four-digit years as written (M/D/YYYY)', () => {
      expect(normaliseCsvDate('6/15/1916')).to.equal('1916-06-15');
      expect(normaliseCsvDate('6/15/2016')).to.equal('2016-06-15');
    });
  });

  describe('ISO', () => {
    it('passes a real ISO date through', () => {
      expect(normaliseCsvDate('1928-06-08')).to.equal('1928-06-08');
    });

    it('refuses an impossible ISO date', () => {
      expect(normaliseCsvDate('2021-02-29')).to.equal(undefined);
      expect(normaliseCsvDate('2021-13-01')).to.equal(undefined);
      expect(normaliseCsvDate('2021-00-10')).to.equal(undefined);
    });
  });

  describe('impossible and malformed dates', () => {
    it('refuses days that do not exist instead of rolling them over', () => {
      expect(normaliseCsvDate('2/30/21')).to.equal(undefined);
      expect(normaliseCsvDate('4/31/21')).to.equal(undefined);
      expect(normaliseCsvDate('2/29/21')).to.equal(undefined);
      expect(normaliseCsvDate('0/10/21')).to.equal(undefined);
      expect(normaliseCsvDate('13/1/21')).to.equal(undefined);
      expect(normaliseCsvDate('1/0/21')).to.equal(undefined);
    });

    it('accepts 29 February in a leap year only', () => {
      expect(normaliseCsvDate('2/29/20')).to.equal('2020-02-29');
      expect(normaliseCsvDate('2/29/2000')).to.equal('2000-02-29');
      expect(normaliseCsvDate('2/29/1900')).to.equal(undefined);
    });

    it('refuses other shapes: three-digit years, D.M.Y, words, empty', () => {
      for (const raw of [
        '1/2/123',
        '1.2.2021',
        '2021/01/02',
        'June 5 2021',
        '',
        '1/2',
        '1/2/21x',
      ]) {
        expect(normaliseCsvDate(raw), raw).to.equal(undefined);
      }
    });
  });

  describe('expandYear(digits)', () => {
    it('pivots at 69 and leaves four digits alone', () => {
      expect(expandYear('68')).to.equal(2068);
      expect(expandYear('69')).to.equal(1969);
      expect(expandYear('1850')).to.equal(1850);
    });
  });
});
