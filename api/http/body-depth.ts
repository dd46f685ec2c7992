import type { Middleware } from 'koa';
import { ValidationError } from '../../shared/domain/errors/index.js';

/**
 * How deep a parsed request body may nest. Every resource body is one flat
 * object (depth 1); the bound leaves room for any schema this project could
 * grow while keeping every walk of a body (the `Idempotency-Key` fingerprint,
 * error formatting, logging) far from the call stack's limit.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * The deepest nesting of arrays and objects in `value`, counted iteratively
 * (an explicit stack, never recursion, so no input can overflow the call
 * stack) and given up at `limit + 1`: a 10 kB body nested 5,000 deep costs
 * at most `limit + 1` levels of work.
 */
export function nestingDepth(value: unknown, limit: number = MAX_BODY_DEPTH): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [current, depth] = next;
    if (current === null || typeof current !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const inner of Object.values(current)) pending.push([inner, level]);
  }
  return deepest;
}

/**
 * Refuses a parsed body nested deeper than `maxDepth` with a 400, right after
 * the body parser and before anything else walks the body (the idempotency
 * fingerprint runs before validation). Streamed bodies (bulk, CSV) are not
 * parsed here; their items are parsed one by one and validated before use.
 */
export function limitBodyDepth(maxDepth: number = MAX_BODY_DEPTH): Middleware {
  return async function refuseDeepBodies(ctx, next) {
    const body: unknown = ctx.request.body;
    if (nestingDepth(body, maxDepth) > maxDepth) {
      throw new ValidationError([`request body is nested deeper than ${maxDepth} levels`]);
    }
    await next();
  };
}
