import { AppError } from './app-error.js';

/**
 * An internal service answered, but not usefully (a 5xx, or a body of the
 * wrong shape). The message names the service and the status only.
 */
export class UpstreamFailedError extends AppError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: 'UPSTREAM_FAILED', status: 502, expose: true, cause: options.cause });
  }
}
