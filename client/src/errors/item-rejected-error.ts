import { SpillwayError } from './spillway-error.js';

/**
 * The server refused this item on its own: invalid fields (400), a taken
 * username (409), an unknown `user_id` through the public API or an unknown
 * key (422, 404), a stale `If-Match` (412), an item too large (413). Nothing
 * of it was stored; `errors` are the server's messages, one per bad field.
 */
export class ItemRejectedError extends SpillwayError {
  readonly code = 'ITEM_REJECTED';
  /** The item was not stored: the server said so. */
  readonly maybeStored = false;

  constructor(
    /** The item's own status in the server's answer. */
    readonly status: number,
    /** The server's messages, e.g. `["price must be greater than 0"]`. */
    readonly errors: readonly string[],
  ) {
    super(`the server refused the item (${status}): ${errors.join('; ')}`);
  }
}
