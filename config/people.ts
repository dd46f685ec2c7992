import type { EnvReader } from './env-parsers.js';
import type { Config } from './types.js';

/** PEOPLE_IMPORT_MAX_BYTES: the largest CSV body POST /people/import reads. */
export function readPeople(read: EnvReader): Config['people'] {
  return {
    importMaxBytes: read.int('PEOPLE_IMPORT_MAX_BYTES', 50 * 1024 * 1024, {
      min: 1024,
      max: 1024 * 1024 * 1024,
    }),
  };
}
