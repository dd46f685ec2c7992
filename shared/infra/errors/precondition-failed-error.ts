import { AppError } from './app-error.js';

/**
 * An `If-Match` that names another version than the key's latest accepted one
 * (RFC 9110 §13.1.1); the answer's `ETag` is that version.
 */
export class PreconditionFailedError extends AppError {
  constructor(what: string, currentVersion: number) {
    super(`${what} is at version ${currentVersion}: If-Match names another version`, {
      code: 'PRECONDITION_FAILED',
      status: 412,
      expose: true,
      headers: { ETag: `"${currentVersion}"` },
    });
  }
}
