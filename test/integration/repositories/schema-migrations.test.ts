import { expect } from 'chai';
import { MIGRATIONS_DIR } from '../../../shared/domain/mysql/migrations-dir.js';
import { applyMigrations } from '../../../shared/domain/repositories/schema-migrations.repository.js';
import { testConfig } from '../../support/test-config.js';

describe('MySQL schema migrations', () => {
  it('are applied once: a second run applies nothing and lists every file as done', async () => {
    const url = testConfig().mysql.url;
    await applyMigrations(url, MIGRATIONS_DIR);
    const again = await applyMigrations(url, MIGRATIONS_DIR);
    expect(again.applied).to.deep.equal([]);
    expect(again.alreadyApplied).to.include.members([
      '001_create_users.sql',
      '002_create_listings.sql',
    ]);
  });

  it('run safely when several processes start at once', async () => {
    const url = testConfig().mysql.url;
    const runs = await Promise.all([1, 2, 3].map(() => applyMigrations(url, MIGRATIONS_DIR)));
    expect(runs.every((r) => r.applied.length === 0)).to.equal(true);
  });
});
