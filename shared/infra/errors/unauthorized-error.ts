import { AppError } from './app-error.js';

/** A request to an internal service without its service token: 401. */
export class UnauthorizedError extends AppError {
  constructor(message: string) {
    super(message, {
      code: 'UNAUTHORIZED',
      status: 401,
      expose: true,
      headers: { 'WWW-Authenticate': 'Bearer realm="spillway-internal"' },
    });
  }
}
