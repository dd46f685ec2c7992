import type { FromSchema } from 'json-schema-to-ts';
import { pageCursorSchema } from './query.schema.js';

/** Lower-case RFC 4122 text form, as `crypto.randomUUID()` makes it (upper case is accepted and lowered). */
export const UUID_PATTERN =
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** Income as stored and returned: DECIMAL(20,2) in its canonical text, e.g. "12345.67", "0.10". */
export const INCOME_PATTERN = '^(0|[1-9][0-9]{0,17})\\.[0-9]{2}$';

const username = { type: 'string', minLength: 1, maxLength: 64 } as const;
const address = { type: 'string', minLength: 1, maxLength: 500 } as const;
// Optional fields take null too, which clears them on PATCH (JSON Merge Patch style).
const name = { type: ['string', 'null'], minLength: 1, maxLength: 200 } as const;
const email = { type: ['string', 'null'], format: 'email', maxLength: 254 } as const;
const phone = { type: ['string', 'null'], minLength: 1, maxLength: 32 } as const;
/** What clients send: a JSON number or a numeric string; `parseIncome` decides if it is exact. */
const incomeInput = {
  type: ['string', 'number'],
  description:
    'non-negative decimal, at most 2 decimal places; send a string to keep more than 15 significant digits',
} as const;
const incomeStored = { type: 'string', pattern: INCOME_PATTERN } as const;

/** What a client sends to create a customer (PUT /customer, POST /customers). */
export const customerCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'address', 'income'],
  properties: { username, address, income: incomeInput, name, email, phone },
} as const;

/** What a client sends to change a customer (PATCH /customers/{uuid}); at least one field. */
export const customerPatchSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { username, address, income: incomeInput, name, email, phone },
} as const;

/** A validated change with its income in canonical form, as the persist job carries it. */
export const customerChangesSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { username, address, income: incomeStored, name, email, phone },
} as const;

/** A customer as stored in MySQL and returned by the API. */
export const customerSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'uuid',
    'username',
    'address',
    'income',
    'name',
    'email',
    'phone',
    'created_at',
    'updated_at',
    'deleted',
    'version',
  ],
  properties: {
    uuid: { type: 'string', pattern: UUID_PATTERN },
    username,
    address,
    income: incomeStored,
    name,
    email,
    phone,
    created_at: { type: 'integer', minimum: 0, description: 'microseconds since the epoch' },
    updated_at: { type: 'integer', minimum: 0, description: 'microseconds since the epoch' },
    deleted: { type: 'boolean' },
    version: { type: 'integer', minimum: 1 },
  },
} as const;

export const uuidParamSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['uuid'],
  properties: { uuid: { type: 'string', pattern: UUID_PATTERN } },
} as const;

/** `GET /customer[?uuid=…]`: the legacy read; no uuid means "every uuid → username pair". */
export const legacyCustomerQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { uuid: { type: 'string', pattern: UUID_PATTERN } },
} as const;

/** `GET /customers/{uuid}/events`: oldest first, pages of up to 1000. */
export const customerEventsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    page_num: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 },
    page_size: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    after: pageCursorSchema,
  },
} as const;

export type CustomerCreate = FromSchema<typeof customerCreateSchema>;
export type CustomerPatch = FromSchema<typeof customerPatchSchema>;
export type CustomerChanges = FromSchema<typeof customerChangesSchema>;
export type Customer = FromSchema<typeof customerSchema>;
export type UuidParam = FromSchema<typeof uuidParamSchema>;
export type LegacyCustomerQuery = FromSchema<typeof legacyCustomerQuerySchema>;
export type CustomerEventsQuery = FromSchema<typeof customerEventsQuerySchema>;
