import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIGRATIONS_DIR } from '../../shared/domain/mysql/migrations-dir.js';
import { applyMigrations } from '../../shared/domain/repositories/schema-migrations.repository.js';
import { testConfig } from './test-config.js';

const UNIT_DIR = fileURLToPath(new URL('../unit/', import.meta.url));

/** The spec files a suite's tests were loaded from. */
function specFiles(suite: Mocha.Suite): string[] {
  return [
    ...suite.tests.map((test) => test.file),
    ...suite.suites.flatMap((child) => [child.file, ...specFiles(child)]),
  ].filter((file): file is string => file !== undefined);
}

function isUnitTest(file: string): boolean {
  return path.resolve(file).startsWith(UNIT_DIR);
}

/**
 * Before any test that uses a server: the test database has the current schema.
 * A run of unit tests alone touches no server at all, so it passes with every
 * service stopped (scripts/test.sh runs the unit tests that way, first).
 */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    const root = this.test?.parent;
    if (root && specFiles(root).every(isUnitTest)) return;
    this.timeout(60_000);
    await applyMigrations(testConfig().mysql.url, MIGRATIONS_DIR);
  },
};
