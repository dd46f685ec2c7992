import { ValidationError } from '../errors/index.js';
import { personRecordSchema, type PersonRecord } from '../schemas/person.schema.js';
import { compileValidator } from '../../infra/validation/ajv.js';
import { normaliseCsvDate } from './csv-date.js';

/** The header every people CSV starts with (compared case-insensitively, ignoring spaces around names). */
export const PEOPLE_CSV_HEADER = [
  'ID',
  'First',
  'Last',
  'Age',
  'GithubAcct',
  'Date of 3rd Grade Graduation',
] as const;

// Control characters are exactly what this must match (tab, CR and LF excepted).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const ECHO_LIMIT = 40;

const validateRecord = compileValidator<PersonRecord>(personRecordSchema);

/** Refuses a file whose first row is not the people header: nothing in it can be read reliably. */
export function assertPeopleHeader(fields: readonly string[]): void {
  const normalise = (name: string) => name.trim().toLowerCase();
  const matches =
    fields.length === PEOPLE_CSV_HEADER.length &&
    PEOPLE_CSV_HEADER.every((name, i) => normalise(name) === normalise(fields[i] ?? ''));
  if (!matches) {
    const got = fields.join(',').slice(0, 200).replace(CONTROL_CHARACTERS, '?');
    throw new ValidationError([
      `invalid CSV header: expected "${PEOPLE_CSV_HEADER.join(',')}", got "${got}"`,
    ]);
  }
}

export type RowOutcome =
  | { readonly ok: true; readonly record: PersonRecord }
  | { readonly ok: false; readonly errors: readonly string[] };

function echo(value: string): string {
  return value.length > ECHO_LIMIT ? `${value.slice(0, ECHO_LIMIT)}…` : value;
}

/**
 * Turns one CSV row into a person record, or says everything that is wrong
 * with it. Blank cells are absent fields; dates are normalised to ISO before
 * the person schema (the same one every write uses) checks the whole record.
 */
export function parsePersonRow(fields: readonly string[]): RowOutcome {
  if (fields.length !== PEOPLE_CSV_HEADER.length) {
    return {
      ok: false,
      errors: [`expected ${PEOPLE_CSV_HEADER.length} columns, got ${fields.length}`],
    };
  }
  if (fields.some((field) => CONTROL_CHARACTERS.test(field))) {
    return { ok: false, errors: ['row contains control characters (such as NUL)'] };
  }
  const [id, first, last, age, githubAcct, graduation] = fields.map((field) => field.trim());
  const candidate: Record<string, string | number> = {};
  const put = (name: string, value: string | undefined) => {
    if (value) candidate[name] = value;
  };
  // Plain decimal digits only: "1e2" or "0x1F" stay strings and fail the integer check.
  const putInteger = (name: string, value: string | undefined) => {
    if (value) candidate[name] = /^[+-]?\d+$/.test(value) ? Number(value) : value;
  };
  putInteger('id', id);
  put('first', first);
  put('last', last);
  putInteger('age', age);
  put('github_acct', githubAcct);
  const errors: string[] = [];
  if (graduation) {
    const iso = normaliseCsvDate(graduation);
    if (iso) candidate.third_grade_graduation = iso;
    else
      errors.push(
        `third_grade_graduation "${echo(graduation)}" is not a date: expected M/D/YY or YYYY-MM-DD`,
      );
  }
  try {
    const record = validateRecord(candidate, 'json');
    return errors.length === 0 ? { ok: true, record } : { ok: false, errors };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { ok: false, errors: [...error.messages, ...errors] };
  }
}
