import type { Config } from '../../config/index.js';
import type { Connections } from '../../shared/infra/process/connections.js';
import type { Logger } from '../../shared/infra/telemetry/logger.js';
import { importPeopleFile } from '../../shared/domain/people/import-people-file.js';

/** The people CSV named by `--file FILE` (or `--file=FILE`) on the API's command line, if any. */
export function peopleFileOption(argv: readonly string[]): string | undefined {
  let file: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === '--file') file = argv[i + 1] ?? '';
    else if (arg.startsWith('--file=')) file = arg.slice('--file='.length);
  });
  if (file !== undefined && (file === '' || file.startsWith('--'))) {
    throw new Error('--file needs the path of a people CSV file');
  }
  return file;
}

/**
 * Loads a people CSV at start-up through the importer every import uses, and
 * logs the counts and problems. A file that cannot be read stops the start-up
 * (the operator asked for it); bad rows in it do not.
 */
export async function importPeopleAtStartup(
  config: Config,
  connections: Connections,
  logger: Logger,
  file: string,
): Promise<void> {
  const report = await importPeopleFile(config, connections, file, 'startup-import');
  logger.info(
    {
      file,
      ...report.counts,
      problems: report.problems.slice(0, 20),
      complete: report.complete,
    },
    'people CSV imported at start-up',
  );
}
