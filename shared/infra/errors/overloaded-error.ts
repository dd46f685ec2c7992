import { AppError } from './app-error.js';

/**
 * A queue's backlog is over its bound, so a write is refused rather than
 * growing Redis without limit: 503 with `Retry-After`. The message names the
 * queue's purpose, never an address, so it is safe to show.
 */
export class OverloadedError extends AppError {
  constructor(message: string, options: { retryAfterSeconds: number }) {
    super(message, {
      code: 'OVERLOADED',
      status: 503,
      expose: true,
      headers: { 'Retry-After': String(options.retryAfterSeconds) },
    });
  }
}
