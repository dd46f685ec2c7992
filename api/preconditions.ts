import { PreconditionFailedError } from '../shared/domain/errors/index.js';
import type { WriteMeta } from './write-results.js';

/**
 * A conditional write (§3.8): with an `If-Match` that does not name the key's
 * latest accepted version, the write is refused (412) before anything is
 * folded or enqueued.
 */
export function requireMatchingVersion(meta: WriteMeta, what: string, version: number): void {
  if (meta.ifMatch && !meta.ifMatch(version)) throw new PreconditionFailedError(what, version);
}
