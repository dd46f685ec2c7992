import { AppError } from './app-error.js';

/**
 * 422: an `Idempotency-Key` was sent again with another request (here: a bulk
 * body whose items differ from those an earlier attempt queued under it).
 */
export class IdempotencyKeyReusedError extends AppError {
  constructor(message: string) {
    super(message, { code: 'IDEMPOTENCY_KEY_REUSED', status: 422, expose: true });
  }
}
