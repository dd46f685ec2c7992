import { randomUUID } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { Config } from '../../../config/index.js';
import type { Connections } from '../../infra/process/connections.js';
import { IdAllocator } from '../ids/id-allocator.js';
import type { PersistPersonJob } from '../writes/write-jobs.js';
import { createQueue } from '../resources/resource-queues.js';
import type { ShardedQueue } from '../../infra/queues/sharded-queue.js';
import { peopleResource } from '../resources/people.resource.js';
import type { ImportReport } from './import-report.js';
import { createPeopleImporter } from './people-import.js';

/**
 * Imports a people CSV file from disk through the same importer as
 * POST /people/import (same checks, same queue). Used by the CLI and by the
 * API's `--file` start-up option. Throws before reading anything if the file
 * cannot be opened.
 */
export async function importPeopleFile(
  config: Config,
  connections: Connections,
  path: string,
  requestId = `import-${randomUUID()}`,
): Promise<ImportReport> {
  const file = await open(path, 'r');
  const queue = createQueue(config, connections.queueRedis, peopleResource.queue);
  try {
    const people = peopleResource.store(connections.mysql);
    const ids = new IdAllocator(connections.queueRedis, config.queue.prefix);
    await ids.ensureAbove('people', await people.maxId());
    const importer = createPeopleImporter({
      queue: queue as ShardedQueue<PersistPersonJob>,
      people,
      ids,
      maxId: config.people.maxImportId,
    });
    return await importer.importCsv(file.createReadStream(), { requestId });
  } finally {
    await queue.close();
    await file.close().catch(() => undefined);
  }
}

/** One line of counts, then one line per listed problem: what the CLI and the start-up log print. */
export function formatImportReport(path: string, report: ImportReport): string[] {
  const { accepted, duplicate, invalid } = report.counts;
  const lines = [`${path}: accepted ${accepted}, duplicate ${duplicate}, invalid ${invalid}`];
  for (const problem of report.problems) {
    lines.push(`  line ${problem.line}: ${problem.kind}: ${problem.errors.join('; ')}`);
  }
  if (report.problems_omitted > 0) lines.push(`  … and ${report.problems_omitted} more problems`);
  if (!report.complete)
    lines.push('  the file could not be read to its end (see the problem above)');
  return lines;
}
