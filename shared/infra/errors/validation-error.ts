import { AppError } from './app-error.js';

/** A request that does not satisfy its schema; carries one message per bad field. */
export class ValidationError extends AppError {
  constructor(messages: readonly string[]) {
    super(messages.join('; '), { code: 'VALIDATION_FAILED', status: 400, expose: true, messages });
  }
}
