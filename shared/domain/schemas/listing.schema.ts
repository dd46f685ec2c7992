import type { FromSchema } from 'json-schema-to-ts';

export const LISTING_TYPES = ['rent', 'sale'] as const;

/** What a client sends to create a listing (POST /listings). */
export const listingCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['user_id', 'listing_type', 'price'],
  properties: {
    // The seed's pre-built listing service's words (§2.2).
    user_id: {
      type: 'integer',
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      'x-messages': { '*': 'invalid user_id' },
    },
    listing_type: { type: 'string', enum: LISTING_TYPES },
    price: {
      type: 'integer',
      exclusiveMinimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      'x-messages': { type: 'invalid price. Must be an integer' },
    },
  },
} as const;

/** A listing as stored and returned. */
export const listingSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'user_id', 'listing_type', 'price', 'created_at', 'updated_at'],
  properties: {
    id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    ...listingCreateSchema.properties,
    created_at: { type: 'integer', minimum: 0, description: 'microseconds since the epoch' },
    updated_at: { type: 'integer', minimum: 0, description: 'microseconds since the epoch' },
  },
} as const;

export type ListingCreate = FromSchema<typeof listingCreateSchema>;
export type Listing = FromSchema<typeof listingSchema>;
