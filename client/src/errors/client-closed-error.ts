import { SpillwayError } from './spillway-error.js';

/** A write was called after `close()`: it was not taken. */
export class ClientClosedError extends SpillwayError {
  readonly code = 'CLIENT_CLOSED';
  readonly maybeStored = false;

  constructor() {
    super('the Spillway client is closed: it takes no new writes');
  }
}
