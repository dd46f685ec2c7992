import { AppError } from './app-error.js';

/** A client spent its request budget for the current window: 429 with `Retry-After`. */
export class TooManyRequestsError extends AppError {
  constructor(message: string, options: { retryAfterSeconds: number }) {
    super(message, {
      code: 'RATE_LIMITED',
      status: 429,
      expose: true,
      headers: { 'Retry-After': String(options.retryAfterSeconds) },
    });
  }
}
