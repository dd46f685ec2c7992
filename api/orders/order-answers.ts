import type { Context } from 'koa';
import { ValidationError } from '../../shared/domain/errors/index.js';
import { orderPatchSchema } from '../../shared/domain/schemas/order.schema.js';
import { answerAcceptedWrite } from '../http/write-response.js';

const EDITABLE = Object.keys(orderPatchSchema.properties).join(', ');

/** An update must change something; an empty body is refused naming what may be sent. */
export function requireSomeChange(changes: object): void {
  if (Object.keys(changes).length === 0) {
    throw new ValidationError([`nothing to update: send at least one of ${EDITABLE}`]);
  }
}

/**
 * Answers an accepted change to an existing order: 202 while queued, or 200
 * once persisted (`Prefer: wait`) — 201 would claim something was created.
 */
export function answerAcceptedChange(
  ctx: Context,
  write: { jobId: string; persisted: boolean },
  location: string,
  body: Record<string, unknown>,
): void {
  answerAcceptedWrite(ctx, write, location, body);
  if (write.persisted) ctx.status = 200;
}
