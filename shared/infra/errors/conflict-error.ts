import { AppError } from './app-error.js';

/** The request clashes with existing data (a taken username): 409. */
export class ConflictError extends AppError {
  constructor(message: string) {
    super(message, { code: 'CONFLICT', status: 409, expose: true });
  }
}
