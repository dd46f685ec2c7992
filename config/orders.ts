import { validate as isCronExpression } from 'node-cron';
import type { EnvReader } from './env-parsers.js';
import type { Config } from './types.js';

/**
 * Most orders one purge delete may remove. FerretDB on SQLite refuses a
 * delete of more than 32,766 documents (one SQL variable per id).
 */
const MAX_PURGE_BATCH = 30_000;

/** ORDER_*: how long orders are kept, when the purge runs, how long legacy writes wait. */
export function readOrders(read: EnvReader): Config['orders'] {
  return {
    retentionHours: read.int('ORDER_RETENTION_HOURS', 72, { min: 1, max: 87_600 }),
    purgeCron: read.matching(
      'ORDER_PURGE_CRON',
      '*/10 * * * *',
      isCronExpression,
      'a cron expression (5 fields, or 6 with seconds)',
    ),
    purgeBatchSize: read.int('ORDER_PURGE_BATCH_SIZE', 10_000, { min: 1, max: MAX_PURGE_BATCH }),
    legacyWaitSeconds: read.int('ORDER_LEGACY_WAIT_SECONDS', 5, { min: 0, max: 60 }),
  };
}
