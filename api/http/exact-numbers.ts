import type { Middleware } from 'koa';
import { hasInexactNumber, parseExactJson } from '../../shared/infra/validation/exact-json.js';

/**
 * A JSON body whose text has a number `JSON.parse` rounded (more digits than
 * a double holds, e.g. an income of 0.10000000000000001) is parsed again with
 * those numbers kept as their literal text, so the field's own rule judges
 * what the client wrote instead of silently taking the rounded value. Bodies
 * without such a number (nearly all) cost one scan of their text. Runs after
 * the body parser and its depth bound.
 */
export function keepInexactNumbers(): Middleware {
  return async function keepNumbersAsWritten(ctx, next) {
    const raw: unknown = ctx.request.rawBody;
    const parsed: unknown = ctx.request.body;
    if (
      typeof raw === 'string' &&
      parsed !== null &&
      typeof parsed === 'object' &&
      ctx.request.type !== 'application/x-www-form-urlencoded' &&
      hasInexactNumber(raw)
    ) {
      ctx.request.body = parseExactJson(raw);
    }
    await next();
  };
}
