import type { FromSchema } from 'json-schema-to-ts';
import { OBJECT_ID_PATTERN } from '../object-id.js';
import { orderPatchSchema, orderSchema } from '../schemas/order.schema.js';

const jobMeta = {
  requestId: { type: 'string', minLength: 1, maxLength: 128 },
  version: { type: 'integer', minimum: 1 },
} as const;

const orderId = { type: 'string', pattern: OBJECT_ID_PATTERN } as const;
const micros = { type: 'integer', minimum: 0 } as const;

/**
 * One write to an order, as queued on `persist-orders`. Every kind carries the
 * order's version (1 for a create, then one more per accepted write), so the
 * worker can apply writes idempotently and let a later version win.
 * - `create`: the complete order;
 * - `update`: only the fields the client changed, plus `updated_at`;
 * - `delete`: the order becomes a tombstone (reads no longer see it).
 */
export const persistOrderJobSchema = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['requestId', 'version', 'op', 'order'],
      properties: { ...jobMeta, op: { const: 'create' }, order: orderSchema },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['requestId', 'version', 'op', 'id', 'set'],
      properties: {
        ...jobMeta,
        op: { const: 'update' },
        id: orderId,
        set: {
          type: 'object',
          additionalProperties: false,
          required: ['updated_at'],
          properties: { ...orderPatchSchema.properties, updated_at: micros },
        },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['requestId', 'version', 'op', 'id', 'updated_at'],
      properties: { ...jobMeta, op: { const: 'delete' }, id: orderId, updated_at: micros },
    },
  ],
} as const;

export type PersistOrderJob = FromSchema<typeof persistOrderJobSchema>;

/** Deterministic: the same write enqueued twice is one BullMQ job. */
export function orderJobId(id: string, version: number): string {
  return `orders-${id}-v${version}`;
}
