import { formatImportReport, importPeopleFile } from '../api/people/import-people-file.js';
import { loadConfigOrExit } from '../config/index.js';
import { closeConnections, openConnections } from '../shared/connections.js';

/**
 * `npm run import -- people FILE.csv`: queues a CSV's good rows on the same
 * persist queue as POST /people (the workers write them) and prints the
 * counts and each problem line. Exit 0 once the file was read (even with
 * skipped rows), 1 if it could not be read at all, 2 for a usage error.
 */
const [entity, file, ...rest] = process.argv.slice(2);
if (entity !== 'people' || !file || rest.length > 0) {
  process.stderr.write('usage: npm run import -- people FILE.csv\n');
  process.exit(2);
}
const config = loadConfigOrExit();
const connections = await openConnections(config);
try {
  const report = await importPeopleFile(config, connections, file);
  process.stdout.write(`${formatImportReport(file, report).join('\n')}\n`);
} catch (error) {
  process.stderr.write(`import failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await closeConnections(connections);
}
