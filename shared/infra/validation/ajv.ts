import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ValidationError } from '../errors/index.js';

// ajv-formats ships CommonJS; under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * Two ajv instances, each compiling every schema once. Form bodies and query
 * strings carry only text, so their instance coerces `"100"` to 100; JSON
 * carries real types, so its instance coerces nothing (`true` or `null` is
 * never taken for a number). Defaults fill pagination in both.
 */
// allowUnionTypes: a field may be e.g. `string or null` (optional fields that PATCH can clear).
// verbose: an error names its field's schema, where a field's own wording (MESSAGES_KEYWORD) is.
const common = {
  allErrors: true,
  useDefaults: true,
  strict: true,
  allowUnionTypes: true,
  verbose: true,
};
const textAjv = new Ajv({ ...common, coerceTypes: true });
const jsonAjv = new Ajv({ ...common, coerceTypes: false });

/**
 * A field's own wording for its errors, by ajv keyword, where a contract fixes
 * it (the seed listing service's `"invalid price. Must be an integer"`):
 * `{'x-messages': {type: '…'}}`; `*` words every keyword not named. An
 * annotation only (an `x-` name, so OpenAPI documents may carry it).
 */
export const MESSAGES_KEYWORD = 'x-messages';

for (const ajv of [textAjv, jsonAjv]) {
  addFormats(ajv);
  ajv.addKeyword({ keyword: MESSAGES_KEYWORD, schemaType: 'object' });
}

/**
 * Where the input came from: `json` keeps its types, `text` (forms, query
 * strings) is coerced, `job` is a queued payload Spillway built from input
 * already validated and trimmed: checked as JSON, without the trimmed copy
 * (a worker checks every job, and the copy was a visible share of its time).
 */
export type InputSource = 'json' | 'text' | 'job';

/** How errors are worded: body fields explain the rule, query parameters say "invalid <name>". */
export type MessageStyle = 'field' | 'parameter';

export type Validator<T> = (input: unknown, source?: InputSource) => T;

const MAX_TRIM_DEPTH = 8;

/** Copies plain objects and arrays with every string trimmed; other values pass through. */
export function trimStrings(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.trim();
  if (depth >= MAX_TRIM_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => trimStrings(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const trimmed = trimStrings(inner, depth + 1);
    // Assigning "__proto__" would set the copy's prototype: defineProperty keeps it a
    // plain (rejected) field. Every other key is assigned, the same own data property
    // made faster (defineProperty per field was ~1.5 % of a single write's CPU).
    if (key === '__proto__') {
      Object.defineProperty(copy, key, {
        value: trimmed,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else copy[key] = trimmed;
  }
  return copy;
}

function fieldName(error: ErrorObject): string {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return path ? `${path}.${missing}` : missing;
  }
  return path || 'request body';
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  object: 'an object',
  array: 'an array',
  boolean: 'a boolean',
};

/** The field's own wording of this error (MESSAGES_KEYWORD), if its schema has one. */
function ownWording(error: ErrorObject): string | undefined {
  const own = (error.parentSchema as Record<string, unknown> | undefined)?.[MESSAGES_KEYWORD] as
    Readonly<Record<string, string>> | undefined;
  return own?.[error.keyword] ?? own?.['*'];
}

/** Words one ajv error the way the API contract does, naming the field. */
export function describeError(error: ErrorObject, style: MessageStyle): string {
  const field = fieldName(error);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') {
    return `unknown field ${String(params.additionalProperty)}`;
  }
  if (error.keyword !== 'required') {
    const own = ownWording(error);
    if (own !== undefined) return own;
  }
  if (style === 'parameter') {
    return error.keyword === 'required' ? `${field} is required` : `invalid ${field}`;
  }
  switch (error.keyword) {
    case 'required':
      return `${field} is required`;
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => `'${String(v)}'`).join(', ');
      return `invalid ${field}. Supported values: ${allowed}`;
    }
    case 'type':
      return `${field} must be ${String(params.type)
        .split(',')
        .map((type) => TYPE_WORDS[type] ?? type)
        .join(' or ')}`;
    case 'exclusiveMinimum':
      return `${field} must be greater than ${String(params.limit)}`;
    case 'minimum':
      return `${field} must be at least ${String(params.limit)}`;
    case 'maximum':
    case 'exclusiveMaximum':
      return `${field} must be at most ${String(params.limit)}`;
    case 'minLength':
      return params.limit === 1
        ? `${field} must not be empty`
        : `${field} must be at least ${String(params.limit)} characters`;
    case 'maxLength':
      return `${field} must be at most ${String(params.limit)} characters`;
    case 'format':
      return `${field} must be a valid ${String(params.format)}`;
    case 'formatMinimum':
      return `${field} must not be before ${String(params.limit)}`;
    case 'formatMaximum':
      return `${field} must not be after ${String(params.limit)}`;
    case 'pattern':
      // The regex itself means nothing to a client; the field's docs say what is allowed.
      return `${field} contains characters or a form that is not allowed`;
    default:
      return `${field} ${error.message ?? 'is invalid'}`;
  }
}

/** Unique messages in order, one per field: a wrong type hides that field's other complaints. */
export function describeErrors(errors: readonly ErrorObject[], style: MessageStyle): string[] {
  const byField = new Map<string, string>();
  const extra: string[] = [];
  for (const error of errors) {
    const message = describeError(error, style);
    if (error.keyword === 'additionalProperties') {
      if (!extra.includes(message)) extra.push(message);
      continue;
    }
    const field = fieldName(error);
    if (!byField.has(field) || error.keyword === 'type') byField.set(field, message);
  }
  return [...byField.values(), ...extra];
}

/** A number written as plain decimal text (`31`, `-2.5`): no exponent, no hex, no padding. */
const NUMERIC_TEXT = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/**
 * Replaces, in `input`, each numeric string that a type error says should be a
 * number or an integer with that number; true if it replaced any. Only type
 * errors on a field of an object (one level of path) are read.
 */
function numbersFromText(input: unknown, errors: readonly ErrorObject[]): boolean {
  let replaced = false;
  for (const error of errors) {
    if (error.keyword !== 'type') continue;
    const wanted = String((error.params as { type: unknown }).type);
    if (!/\b(number|integer)\b/.test(wanted)) continue;
    const path = error.instancePath.split('/').slice(1);
    if (path.length !== 1 || input === null || typeof input !== 'object') continue;
    const holder = input as Record<string, unknown>;
    const key = path[0] as string;
    const value = holder[key];
    if (typeof value !== 'string' || !NUMERIC_TEXT.test(value)) continue;
    // defineProperty, not assignment: a "__proto__" key must stay a plain field.
    Object.defineProperty(holder, key, {
      value: Number(value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
    replaced = true;
  }
  return replaced;
}

/**
 * Compiles a schema once and returns a function that trims strings, coerces and
 * fills defaults, and either returns the typed value or throws a ValidationError.
 */
export function compileValidator<T>(schema: object, style: MessageStyle = 'field'): Validator<T> {
  const compiled: Record<Exclude<InputSource, 'job'>, ValidateFunction> = {
    text: textAjv.compile(schema),
    json: jsonAjv.compile(schema),
  };
  return (input: unknown, source: InputSource = 'text'): T => {
    if (source === 'job') {
      if (!compiled.json(input)) {
        throw new ValidationError(describeErrors(compiled.json.errors ?? [], style));
      }
      return input as T;
    }
    const validate = compiled[source];
    const candidate = trimStrings(input ?? {});
    if (!validate(candidate)) {
      // JSON clients of the seeds send numbers as text (`{"age": "31"}`): a number
      // field's numeric string is read as the number, then checked like one.
      if (source !== 'json' || !numbersFromText(candidate, validate.errors ?? [])) {
        throw new ValidationError(describeErrors(validate.errors ?? [], style));
      }
      if (!validate(candidate))
        throw new ValidationError(describeErrors(validate.errors ?? [], style));
    }
    // Coercion can turn text into a value the schema forbids ("1e309" → Infinity
    // passes as an integer): what text coerced to must pass without coercion too.
    if (source === 'text' && !compiled.json(candidate)) {
      throw new ValidationError(describeErrors(compiled.json.errors ?? [], style));
    }
    return candidate as T;
  };
}
