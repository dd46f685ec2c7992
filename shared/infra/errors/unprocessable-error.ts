import { AppError } from './app-error.js';

/** Well-formed input that refers to something that does not exist (e.g. an unknown user_id). */
export class UnprocessableError extends AppError {
  constructor(message: string) {
    super(message, { code: 'UNPROCESSABLE', status: 422, expose: true });
  }
}
