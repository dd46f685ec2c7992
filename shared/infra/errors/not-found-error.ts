import { AppError } from './app-error.js';

export class NotFoundError extends AppError {
  constructor(message: string) {
    super(message, { code: 'NOT_FOUND', status: 404, expose: true });
  }
}
