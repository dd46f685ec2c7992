import { AppError } from './app-error.js';

/**
 * The entity's id counter has reached the largest id every store and JSON
 * hold exactly (2^53 − 1): a write that would need a higher one is refused,
 * never accepted and then failed by the worker.
 */
export class IdSpaceExhaustedError extends AppError {
  constructor(entity: string) {
    super(
      `no ${entity} id is left below ${Number.MAX_SAFE_INTEGER}, the largest id the stores hold exactly`,
      { code: 'ID_SPACE_EXHAUSTED', status: 507, expose: true },
    );
  }
}
