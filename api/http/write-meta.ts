import { preferredWaitSeconds } from './prefer-wait.js';
import type { RequestState } from './request-id.js';
import type { WriteMeta } from '../write-results.js';

/** What a write route reads of its request besides the body. */
interface WriteRequest {
  readonly state: RequestState;
  get(name: string): string;
}

/**
 * An `If-Match` header (RFC 9110 §13.1.1) as a test of a key's current
 * version: `*` passes any existing key; otherwise one of the listed strong
 * tags must be `"<version>"` (a weak tag never matches). Absent: no test.
 */
export function ifMatchTest(header: string): ((version: number) => boolean) | undefined {
  const value = header.trim();
  if (value === '') return undefined;
  if (value === '*') return () => true;
  const versions = value
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => !tag.startsWith('W/'))
    .map((tag) => tag.replace(/^"(.*)"$/, '$1'));
  return (version) => versions.includes(String(version));
}

/**
 * The WriteMeta of a request: its id, how long it asked to wait (`Prefer`,
 * capped; `defaultWaitSeconds` without one), its idempotency attempt and its
 * `If-Match` test.
 */
export function writeMetaOf(
  ctx: WriteRequest,
  options: { readonly preferWaitMaxSeconds: number; readonly defaultWaitSeconds?: number },
): WriteMeta {
  const prefer = ctx.get('Prefer');
  const ifMatch = ifMatchTest(ctx.get('If-Match'));
  return {
    requestId: ctx.state.requestId,
    waitSeconds:
      prefer || options.defaultWaitSeconds === undefined
        ? preferredWaitSeconds(prefer, options.preferWaitMaxSeconds)
        : options.defaultWaitSeconds,
    idempotency: ctx.state.idempotency,
    ...(ifMatch && { ifMatch }),
  };
}
