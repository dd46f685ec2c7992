import {
  formatImportReport,
  importPeopleFile,
} from '../shared/domain/people/import-people-file.js';
import { BULK_IMPORT_RESOURCES, importBulkFile } from '../api/import-bulk-file.js';
import { loadConfigOrExit } from '../config/index.js';
import { closeConnections, openConnections } from '../shared/infra/process/connections.js';
import { createLogger } from '../shared/infra/telemetry/logger.js';

/**
 * `npm run import -- people FILE.csv`: queues a CSV's good rows on the same
 * persist queue as POST /people (the workers write them) and prints the
 * counts and each problem line.
 * `npm run import -- RESOURCE FILE.ndjson` (users, listings, people, orders,
 * customers): sends the file, one item per line, through that resource's
 * bulk intake (POST /RESOURCE/bulk) and prints the counts and each refused line.
 * Exit 0 once the file was read (even with skipped rows), 1 if it could not
 * be read at all, 2 for a usage error.
 */
const [entity, file, ...rest] = process.argv.slice(2);
const csv = entity === 'people' && file?.toLowerCase().endsWith('.csv');
const ndjson = /\.(ndjson|jsonl)$/i.test(file ?? '') && (entity ?? '') in BULK_IMPORT_RESOURCES;
if (!entity || !file || rest.length > 0 || (!csv && !ndjson)) {
  process.stderr.write(
    `usage: npm run import -- people FILE.csv\n       npm run import -- ${Object.keys(BULK_IMPORT_RESOURCES).join('|')} FILE.ndjson (or .jsonl)\n`,
  );
  process.exit(2);
}
const config = loadConfigOrExit();
const connections = await openConnections(config);
try {
  if (csv) {
    const report = await importPeopleFile(config, connections, file);
    process.stdout.write(`${formatImportReport(file, report).join('\n')}\n`);
  } else {
    const logger = createLogger({ level: config.logLevel, name: 'import' });
    const report = await importBulkFile(config, connections, logger, entity, file);
    const lines = [`${file}: accepted ${report.accepted}, rejected ${report.rejected}`];
    for (const problem of report.problems) lines.push(`  ${problem}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
} catch (error) {
  process.stderr.write(`import failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await closeConnections(connections);
}
