export { AppError, type AppErrorOptions } from './app-error.js';
export { ValidationError } from './validation-error.js';
export { NotFoundError } from './not-found-error.js';
export { UnsupportedMediaTypeError } from './unsupported-media-type-error.js';
export { ConflictError } from './conflict-error.js';
export { UnprocessableError } from './unprocessable-error.js';
export { UpstreamFailedError } from './upstream-failed-error.js';
export { UpstreamUnavailableError } from './upstream-unavailable-error.js';
export { QueueUnavailableError, isRedisUnreachable } from './queue-unavailable-error.js';
