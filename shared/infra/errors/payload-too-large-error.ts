import { AppError } from './app-error.js';

export class PayloadTooLargeError extends AppError {
  constructor(message: string) {
    super(message, { code: 'PAYLOAD_TOO_LARGE', status: 413, expose: true });
  }
}
