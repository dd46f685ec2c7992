import type { FromSchema } from 'json-schema-to-ts';

/** Printable text: control characters (NUL, escape codes…) are never part of a name. */
const PRINTABLE = '^[^\\u0000-\\u001f\\u007f]*$';

/** GitHub's rule, slightly relaxed: letters, digits and hyphens, not starting with a hyphen, ≤ 39. */
const GITHUB_ACCOUNT = '^[A-Za-z0-9][A-Za-z0-9-]{0,38}$';

/** The fields a person may carry besides its id; all optional (CSV blanks are allowed). */
export const personFields = {
  first: { type: 'string', minLength: 1, maxLength: 100, pattern: PRINTABLE },
  last: { type: 'string', minLength: 1, maxLength: 100, pattern: PRINTABLE },
  age: { type: 'integer', minimum: 0, maximum: 150 },
  github_acct: { type: 'string', maxLength: 39, pattern: GITHUB_ACCOUNT },
  // A real calendar date (2021-02-30 is refused), in years that make sense for a graduation.
  third_grade_graduation: {
    type: 'string',
    format: 'date',
    formatMinimum: '1900-01-01',
    formatMaximum: '2099-12-31',
  },
} as const;

const personId = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;

/** What a client sends to create a person (POST /people): a name is required, the rest optional. */
export const personCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['first', 'last'],
  properties: personFields,
} as const;

/** One CSV row as a record: the id is the only required column. */
export const personRecordSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: personId, ...personFields },
} as const;

const orNull = <S extends object>(schema: S) => ({ anyOf: [schema, { type: 'null' }] }) as const;

/** A person as stored and returned: every field present, `null` when unknown. */
export const personSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'first', 'last', 'age', 'github_acct', 'third_grade_graduation'],
  properties: {
    id: personId,
    first: orNull(personFields.first),
    last: orNull(personFields.last),
    age: orNull(personFields.age),
    github_acct: orNull(personFields.github_acct),
    third_grade_graduation: orNull(personFields.third_grade_graduation),
  },
} as const;

export const lastNameParamSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['lastname'],
  properties: { lastname: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;

export type PersonCreate = FromSchema<typeof personCreateSchema>;
export type PersonRecord = FromSchema<typeof personRecordSchema>;
export type Person = FromSchema<typeof personSchema>;
export type LastNameParam = FromSchema<typeof lastNameParamSchema>;

/** Fills the optional fields a create or record left out with `null`, giving the stored shape. */
export function toPerson(id: number, fields: PersonCreate | Omit<PersonRecord, 'id'>): Person {
  return {
    id,
    first: fields.first ?? null,
    last: fields.last ?? null,
    age: fields.age ?? null,
    github_acct: fields.github_acct ?? null,
    third_grade_graduation: fields.third_grade_graduation ?? null,
  };
}
