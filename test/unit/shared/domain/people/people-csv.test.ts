import { expect } from 'chai';
import {
  assertPeopleHeader,
  parsePersonRow,
} from '../../../../../shared/domain/people/people-csv.js';
import { ValidationError } from '../../../../../shared/domain/errors/index.js';

const HEADER = ['ID', 'First', 'Last', 'Age', 'GithubAcct', 'Date of 3rd Grade Graduation'];

describe('people CSV rows', () => {
  describe('assertPeopleHeader(fields)', () => {
    it('accepts the header, also in another case or with spaces around names', () => {
      expect(() => assertPeopleHeader(HEADER)).not.to.throw();
      expect(() =>
        assertPeopleHeader([
          ' id',
          'FIRST ',
          'last',
          'age',
          'githubacct',
          'date of 3rd grade graduation',
        ]),
      ).not.to.throw();
    });

    it('refuses a missing, extra or renamed column with a 400 that shows the expected header', () => {
      for (const fields of [
        HEADER.slice(0, 5),
        [...HEADER, 'Extra'],
        ['1', 'Ada', 'Lovelace', '', '', ''],
      ]) {
        let thrown: unknown;
        try {
          assertPeopleHeader(fields);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).to.be.instanceOf(ValidationError);
        expect((thrown as ValidationError).status).to.equal(400);
        expect((thrown as ValidationError).messages[0]).to.include(
          'expected "ID,First,Last,Age,GithubAcct,Date of 3rd Grade Graduation"',
        );
      }
    });
  });

  describe('parsePersonRow(fields)', () => {
    it('turns a full row into a record with numbers and an ISO date', () => {
      expect(parsePersonRow(['7', ' Dennis ', 'Ritchie', '70', 'dmr', '6/10/1950'])).to.deep.equal({
        ok: true,
        record: {
          id: 7,
          first: 'Dennis',
          last: 'Ritchie',
          age: 70,
          github_acct: 'dmr',
          third_grade_graduation: '1950-06-10',
        },
      });
    });

    it('treats blank cells as absent fields; only the id is required', () => {
      expect(parsePersonRow(['16', '', '  ', '', '', ''])).to.deep.equal({
        ok: true,
        record: { id: 16 },
      });
      expect(parsePersonRow(['', 'A', 'B', '', '', ''])).to.deep.equal({
        ok: false,
        errors: ['id is required'],
      });
    });

    it('names every bad field of a row', () => {
      const outcome = parsePersonRow(['x', 'A', 'B', '151', '-bad', '2/30/21']);
      expect(outcome).to.deep.equal({
        ok: false,
        errors: [
          'id must be an integer',
          'age must be at most 150',
          'github_acct contains characters or a form that is not allowed',
          'third_grade_graduation "2/30/21" is not a date: expected M/D/YY or YYYY-MM-DD',
        ],
      });
    });

    it('refuses numbers that are not plain decimal digits', () => {
      for (const age of ['1e2', '0x1F', '12.5', '-1']) {
        const outcome = parsePersonRow(['1', 'A', 'B', age, '', '']);
        expect(outcome.ok, age).to.equal(false);
      }
    });

    it('refuses a wrong number of columns', () => {
      expect(parsePersonRow(['1', 'A'])).to.deep.equal({
        ok: false,
        errors: ['expected 6 columns, got 2'],
      });
    });

    it('refuses control characters such as NUL anywhere in the row', () => {
      expect(parsePersonRow(['1', 'A\u0000', 'B', '', '', ''])).to.deep.equal({
        ok: false,
        errors: ['row contains control characters (such as NUL)'],
      });
    });

    it('bounds names to 100 characters and dates to 1900..2099', () => {
      const long = parsePersonRow(['1', 'x'.repeat(101), 'B', '', '', '1/1/1899']);
      expect(long).to.deep.equal({
        ok: false,
        errors: [
          'first must be at most 100 characters',
          'third_grade_graduation must not be before 1900-01-01',
        ],
      });
    });
  });
});
