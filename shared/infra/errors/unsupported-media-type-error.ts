import { AppError } from './app-error.js';

export class UnsupportedMediaTypeError extends AppError {
  constructor(message: string) {
    super(message, { code: 'UNSUPPORTED_MEDIA_TYPE', status: 415, expose: true });
  }
}
