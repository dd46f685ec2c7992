import { expect } from 'chai';
import { buildVersionedUpsert } from '../../../../../shared/domain/repositories/versioned-upsert.js';

const USER_COLUMNS = ['id', 'name', 'created_at', 'updated_at'];
const USER_MUTABLE = ['name', 'updated_at'];

/** The comma-separated assignments after ON DUPLICATE KEY UPDATE. */
function assignmentsOf(sql: string): string[] {
  const [, updates] = sql.split(' ON DUPLICATE KEY UPDATE ');
  expect(updates, 'ON DUPLICATE KEY UPDATE clause').to.be.a('string');
  return (updates ?? '').split(/, (?=(?:`[^`]+`|version) = )/);
}

describe('buildVersionedUpsert(table, columns, mutableColumns, rowCount)', () => {
  it('builds the exact statement for one row', () => {
    expect(buildVersionedUpsert('users', USER_COLUMNS, USER_MUTABLE, 1)).to.equal(
      'INSERT INTO `users` (`id`, `name`, `created_at`, `updated_at`, `version`) ' +
        'VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE ' +
        '`name` = IF(VALUES(version) > version, VALUES(`name`), `name`), ' +
        '`updated_at` = IF(VALUES(version) > version, VALUES(`updated_at`), `updated_at`), ' +
        'version = GREATEST(version, VALUES(version))',
    );
  });

  it('produces a single INSERT with one value tuple per row', () => {
    const sql = buildVersionedUpsert('users', USER_COLUMNS, USER_MUTABLE, 3);
    expect(sql.match(/INSERT INTO/g)).to.have.length(1);
    expect(sql.match(/\(\?, \?, \?, \?, \?\)/g)).to.have.length(3);
    expect(sql).to.contain('VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?), (?, ?, ?, ?, ?) ON');
  });

  it('has one placeholder per column plus version, per row', () => {
    const sql = buildVersionedUpsert('listings', ['id', 'user_id', 'price'], ['price'], 4);
    expect(sql.match(/\?/g)).to.have.length(4 * 4);
  });

  it('appends version as the last inserted column', () => {
    const sql = buildVersionedUpsert('listings', ['id', 'price'], ['price'], 1);
    expect(sql).to.contain('INSERT INTO `listings` (`id`, `price`, `version`) VALUES');
  });

  it('contains ON DUPLICATE KEY UPDATE exactly once', () => {
    const sql = buildVersionedUpsert('users', USER_COLUMNS, USER_MUTABLE, 5);
    expect(sql.match(/ON DUPLICATE KEY UPDATE/g)).to.have.length(1);
  });

  it('assigns version last, so the other assignments compare against the stored version', () => {
    const assignments = assignmentsOf(buildVersionedUpsert('users', USER_COLUMNS, USER_MUTABLE, 2));
    expect(assignments).to.deep.equal([
      '`name` = IF(VALUES(version) > version, VALUES(`name`), `name`)',
      '`updated_at` = IF(VALUES(version) > version, VALUES(`updated_at`), `updated_at`)',
      'version = GREATEST(version, VALUES(version))',
    ]);
  });

  it('never updates a column that is not mutable (created_at, id)', () => {
    const sql = buildVersionedUpsert('users', USER_COLUMNS, USER_MUTABLE, 2);
    const assignments = assignmentsOf(sql);
    const assigned = assignments.map((assignment) => assignment.split(' = ')[0]);
    expect(assigned).to.deep.equal(['`name`', '`updated_at`', 'version']);
    expect(sql).to.not.contain('`created_at` =');
    expect(sql).to.not.contain('`id` =');
  });

  it('only updates version when no column is mutable', () => {
    const sql = buildVersionedUpsert('users', ['id', 'created_at'], [], 1);
    expect(assignmentsOf(sql)).to.deep.equal(['version = GREATEST(version, VALUES(version))']);
  });

  it('quotes the table and column names with backticks', () => {
    const sql = buildVersionedUpsert('order', ['id', 'key'], ['key'], 1);
    expect(sql).to.contain('INSERT INTO `order` (`id`, `key`, `version`)');
    expect(sql).to.contain('`key` = IF(VALUES(version) > version, VALUES(`key`), `key`)');
  });
});
