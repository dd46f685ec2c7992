import type { EnvReader } from './env-parsers.js';
import type { Config } from './types.js';

/** 2^52: half of the ids JSON, MySQL and Mongo hold exactly for imports, half for the counter. */
const DEFAULT_MAX_IMPORT_ID = 2 ** 52;

/** PEOPLE_IMPORT_MAX_BYTES: the largest CSV body POST /people/import reads; PEOPLE_MAX_IMPORT_ID: the largest id a row may bring. */
export function readPeople(read: EnvReader): Config['people'] {
  return {
    maxImportId: read.int('PEOPLE_MAX_IMPORT_ID', DEFAULT_MAX_IMPORT_ID, {
      min: 1,
      max: Number.MAX_SAFE_INTEGER - 1,
    }),
    importMaxBytes: read.int('PEOPLE_IMPORT_MAX_BYTES', 50 * 1024 * 1024, {
      min: 1024,
      max: 1024 * 1024 * 1024,
    }),
  };
}
