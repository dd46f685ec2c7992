import { loadConfigOrExit } from '../config/index.js';
import { createLogger } from '../shared/logger.js';
import { MIGRATIONS_DIR } from '../shared/mysql/migrations-dir.js';
import { applyMigrations } from '../shared/repositories/schema-migrations.repository.js';

const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, name: 'migrate' });
const result = await applyMigrations(config.mysql.url, MIGRATIONS_DIR);
logger.info(result, 'migrations done');
