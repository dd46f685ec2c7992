import type { FromSchema } from 'json-schema-to-ts';

/** The `after` parameter of every paged route: an opaque keyset cursor. */
export const pageCursorSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 200,
  pattern: '^[A-Za-z0-9_-]+$',
  description:
    'keyset cursor: the page after the one whose Link rel="next" gave it (instead of page_num; the only way past MAX_PAGE_OFFSET)',
} as const;

const pagination = {
  page_num: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 },
  page_size: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
  after: pageCursorSchema,
} as const;

export const pageQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: pagination,
} as const;

/** Most ids one batch look-up may name: a page of listings never has more distinct users. */
export const MAX_BATCH_IDS = 100;

/**
 * GET /users: a page, or with `ids` a batch look-up by id (`ids=1,2,3`, at most
 * MAX_BATCH_IDS positive integers, comma-separated, no spaces).
 */
export const userQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...pagination,
    ids: {
      type: 'string',
      pattern: `^[1-9]\\d{0,15}(,[1-9]\\d{0,15}){0,${MAX_BATCH_IDS - 1}}$`,
      description: `comma-separated user ids, 1..${MAX_BATCH_IDS}; returns those users instead of a page`,
    },
  },
} as const;

/** A `user_id` filter that matches nothing (0, a negative id) is an empty page, not an error (§2.2). */
export const listingPageQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...pagination,
    user_id: {
      type: 'integer',
      minimum: -Number.MAX_SAFE_INTEGER,
      maximum: Number.MAX_SAFE_INTEGER,
    },
  },
} as const;

export const idParamSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } },
} as const;

// A defaulted field is always there once validated (ajv fills it), and FromSchema types it so.
export type PageQuery = FromSchema<typeof pageQuerySchema>;
export type UserQuery = FromSchema<typeof userQuerySchema>;
export type ListingPageQuery = FromSchema<typeof listingPageQuerySchema>;
export type IdParam = FromSchema<typeof idParamSchema>;
