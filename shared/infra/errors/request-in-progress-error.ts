import { AppError } from './app-error.js';

/** A request with the same `Idempotency-Key` is still running: 409, retry shortly. */
export class RequestInProgressError extends AppError {
  constructor(message: string) {
    super(message, {
      code: 'REQUEST_IN_PROGRESS',
      status: 409,
      expose: true,
      headers: { 'Retry-After': '1' },
    });
  }
}
