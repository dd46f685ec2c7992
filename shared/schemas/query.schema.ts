import type { FromSchema } from 'json-schema-to-ts';

const pagination = {
  page_num: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 },
  page_size: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
} as const;

export const pageQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: pagination,
} as const;

export const listingPageQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...pagination,
    user_id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  },
} as const;

export const idParamSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } },
} as const;

export type PageQuery = { page_num: number; page_size: number };
export type ListingPageQuery = PageQuery & { user_id?: number };
export type IdParam = FromSchema<typeof idParamSchema>;
