import { AppError } from './app-error.js';

/**
 * An internal service could not be reached or did not answer in time. The
 * message names the service, never its address, so it is safe to show.
 */
export class UpstreamUnavailableError extends AppError {
  constructor(message: string, options: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, {
      code: 'UPSTREAM_UNAVAILABLE',
      status: 503,
      expose: true,
      headers: { 'Retry-After': String(options.retryAfterSeconds ?? 1) },
      cause: options.cause,
    });
  }
}
