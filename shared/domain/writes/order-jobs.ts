import type { FromSchema } from 'json-schema-to-ts';
import { orderSchema } from '../schemas/order.schema.js';

/** An order with its tombstone flag: the state a key head and a job carry. */
export const orderStateSchema = {
  type: 'object',
  additionalProperties: false,
  required: [...orderSchema.required, 'deleted'],
  properties: { ...orderSchema.properties, deleted: { type: 'boolean' } },
} as const;

/**
 * One write to an order, as queued on `persist-orders`: the order as it stands
 * once this write and every earlier one to it are applied (`order`, at its
 * version: the key head, see key-heads.ts), and just before (`before`: null
 * for a create). The worker applies it by `stepFor`, so an order's writes
 * land one version after another and a replay changes nothing. `op` says what
 * the client asked for (logs, traces): `delete` leaves a tombstone
 * (`deleted`), which reads no longer see.
 */
export const persistOrderJobSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['requestId', 'op', 'order', 'before'],
  properties: {
    requestId: { type: 'string', minLength: 1, maxLength: 128 },
    op: { type: 'string', enum: ['create', 'update', 'delete'] },
    order: orderStateSchema,
    before: { anyOf: [orderStateSchema, { type: 'null' }] },
  },
} as const;

export type OrderState = FromSchema<typeof orderStateSchema>;
export type PersistOrderJob = FromSchema<typeof persistOrderJobSchema>;

/** Deterministic: the same write enqueued twice is one BullMQ job. */
export function orderJobId(id: string, version: number): string {
  return `orders-${id}-v${version}`;
}
