import { expect } from 'chai';
import {
  mongoStatement,
  sqlStatement,
} from '../../../../../../shared/infra/telemetry/tracing/statements.js';

describe('statement text of database spans (shared/infra/telemetry/tracing/statements.ts)', () => {
  it('keeps an SQL statement’s shape and placeholders, and masks literals', () => {
    expect(sqlStatement("SELECT * FROM users WHERE id = ? AND name = 'Ada' LIMIT 10")).to.equal(
      'SELECT * FROM users WHERE id = ? AND name = ? LIMIT ?',
    );
  });

  it('counts the rows of a multi-row INSERT instead of repeating them', () => {
    const rows = Array.from({ length: 500 }, () => '(?, ?, ?)').join(', ');
    expect(sqlStatement(`INSERT INTO users (id, name, version) VALUES ${rows}`)).to.equal(
      'INSERT INTO users (id, name, version) VALUES (?, ?, ?), … (500 rows)',
    );
  });

  it('gives a Mongo command’s shape with no value, and a batch as one document and a count', () => {
    const documents = Array.from({ length: 300 }, (_, i) => ({ _id: i, name: `user ${i}` }));
    const text = mongoStatement({ insert: 'users', documents, ordered: false });
    expect(JSON.parse(text)).to.deep.equal({
      insert: '?',
      documents: [{ _id: '?', name: '?' }, '… (300 items)'],
      ordered: '?',
    });
    expect(text).to.not.include('user 1');
  });
});
