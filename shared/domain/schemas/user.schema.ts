import type { FromSchema } from 'json-schema-to-ts';

/** What a client sends to create a user (POST /users). */
export const userCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

/** A user as stored and returned. */
export const userSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'created_at', 'updated_at'],
  properties: {
    id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    created_at: { type: 'integer', minimum: 0, description: 'microseconds since the epoch' },
    updated_at: { type: 'integer', minimum: 0, description: 'microseconds since the epoch' },
  },
} as const;

export type UserCreate = FromSchema<typeof userCreateSchema>;
export type User = FromSchema<typeof userSchema>;
