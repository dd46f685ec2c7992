import { MIGRATIONS_DIR } from '../../shared/mysql/migrations-dir.js';
import { applyMigrations } from '../../shared/repositories/schema-migrations.repository.js';
import { testConfig } from './test-config.js';

/** Before any test: the test database has the current schema. */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    await applyMigrations(testConfig().mysql.url, MIGRATIONS_DIR);
  },
};
