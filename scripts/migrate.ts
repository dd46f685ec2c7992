import { loadConfigOrExit } from '../config/index.js';
import { createLogger } from '../shared/infra/telemetry/logger.js';
import { MIGRATIONS_DIR } from '../shared/domain/mysql/migrations-dir.js';
import { applyMigrations } from '../shared/domain/repositories/schema-migrations.repository.js';

const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, name: 'migrate' });
const result = await applyMigrations(config.mysql.url, MIGRATIONS_DIR);
logger.info(result, 'migrations done');
// A code migration's report may name rows an operator has to look at (006: usernames that
// became one name under NFKC case folding); each is logged on its own line.
for (const [migration, report] of Object.entries(result.reports)) {
  const collisions = (report as { collisions?: unknown[] } | undefined)?.collisions ?? [];
  for (const collision of collisions) {
    logger.warn(
      { migration, collision },
      'usernames that are now one name: the first created keeps it',
    );
  }
}
