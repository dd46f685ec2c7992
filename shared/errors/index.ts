export { AppError, type AppErrorOptions } from './app-error.js';
export { ValidationError } from './validation-error.js';
export { NotFoundError } from './not-found-error.js';
export { UnsupportedMediaTypeError } from './unsupported-media-type-error.js';
export { PayloadTooLargeError } from './payload-too-large-error.js';
