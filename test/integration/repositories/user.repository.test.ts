import { expect } from 'chai';
import { createMysqlPool, type MysqlPool } from '../../../shared/infra/databases/mysql-pool.js';
import type { UserRepository } from '../../../shared/domain/repositories/user.repository.js';
import { usersResource } from '../../../shared/domain/resources/users.resource.js';
import { testConfig } from '../../support/test-config.js';

describe('UserRepository on MariaDB', () => {
  let pool: MysqlPool;
  let users: UserRepository;

  before(() => {
    pool = createMysqlPool(testConfig().mysql);
    users = usersResource.store(pool);
  });
  beforeEach(() => pool.query('DELETE FROM users'));
  after(() => pool.end());

  const at = (id: number, name: string, updated: number) => ({
    id,
    name,
    created_at: 1_000,
    updated_at: updated,
  });

  it('inserts many rows with one statement and reads them back by id', async () => {
    await users.upsertVersions([
      { resource: at(1, 'a', 1_000), version: 1 },
      { resource: at(2, 'b', 1_000), version: 1 },
    ]);
    expect(await users.findById(1)).to.deep.equal(at(1, 'a', 1_000));
    expect(await users.findByIds([1, 2, 3])).to.have.length(2);
    expect(await users.maxId()).to.equal(2);
  });

  it('leaves a row unchanged when the same version is written again', async () => {
    await users.upsertVersions([{ resource: at(1, 'first', 1_000), version: 1 }]);
    await users.upsertVersions([
      { resource: at(1, 'replayed-with-other-data', 2_000), version: 1 },
    ]);
    expect(await users.findById(1)).to.deep.equal(at(1, 'first', 1_000));
  });

  it('applies a newer version and ignores an older one, without touching created_at', async () => {
    await users.upsertVersions([{ resource: at(1, 'v2', 2_000), version: 2 }]);
    await users.upsertVersions([
      { resource: { ...at(1, 'v3', 3_000), created_at: 9 }, version: 3 },
    ]);
    await users.upsertVersions([{ resource: at(1, 'v1', 1_000), version: 1 }]);
    expect(await users.findById(1)).to.deep.equal(at(1, 'v3', 3_000));
  });

  it('returns null for an unknown id', async () => {
    expect(await users.findById(42)).to.equal(null);
  });
});
