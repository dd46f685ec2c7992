import type { FromSchema } from 'json-schema-to-ts';
import { OBJECT_ID_PATTERN } from '../ids/object-id.js';

/** An order's life: `new` when placed; nothing enforces the order of the steps. */
export const ORDER_STATUSES = ['new', 'confirmed', 'delivered', 'cancelled'] as const;

const editableFields = {
  vehicle_manufacturer: { type: 'string', minLength: 1, maxLength: 100 },
  model: { type: 'string', minLength: 1, maxLength: 100 },
  total_price: { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000_000_000 },
  status: { type: 'string', enum: ORDER_STATUSES },
} as const;

/** What a client sends to place an order (POST /orders, POST /api/vehicle/order/). */
export const orderCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['vehicle_manufacturer', 'model', 'total_price'],
  properties: {
    ...editableFields,
    status: { ...editableFields.status, default: 'new' },
  },
} as const;

/** PATCH /orders/{id}: any of the editable fields (at least one, checked by the route). */
export const orderPatchSchema = {
  type: 'object',
  additionalProperties: false,
  properties: editableFields,
} as const;

/**
 * PUT /api/vehicle/order/{id}: the legacy replacement. Legacy clients send the
 * document back with its `_id`, so `_id` (and `id`) are accepted when they
 * name the same order as the path. `status` is kept when absent: legacy
 * clients do not know the field and must not reset it.
 */
export const orderReplaceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['vehicle_manufacturer', 'model', 'total_price'],
  properties: {
    ...editableFields,
    _id: { type: 'string', pattern: OBJECT_ID_PATTERN },
    id: { type: 'string', pattern: OBJECT_ID_PATTERN },
  },
} as const;

/** An order as stored and returned. */
export const orderSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'vehicle_manufacturer',
    'model',
    'total_price',
    'status',
    'created_at',
    'updated_at',
    'version',
  ],
  properties: {
    id: { type: 'string', pattern: OBJECT_ID_PATTERN },
    ...editableFields,
    created_at: { type: 'integer', minimum: 0, description: 'microseconds since the epoch' },
    updated_at: { type: 'integer', minimum: 0, description: 'microseconds since the epoch' },
    version: {
      type: 'integer',
      minimum: 1,
      description: '1 when placed, one more for every accepted change or deletion',
    },
  },
} as const;

/** `{id}` of an order in a path: a 24-hex ObjectId. */
export const orderIdParamSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', pattern: OBJECT_ID_PATTERN } },
} as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type OrderCreate = FromSchema<typeof orderCreateSchema>;
export type OrderPatch = FromSchema<typeof orderPatchSchema>;
export type OrderReplace = FromSchema<typeof orderReplaceSchema>;
export type Order = FromSchema<typeof orderSchema>;
export type OrderIdParam = FromSchema<typeof orderIdParamSchema>;
