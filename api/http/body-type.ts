import type { Context } from 'koa';

/** Distinct `Content-Type` spellings remembered per check; past it, each is judged anew. */
const MAX_REMEMBERED_TYPES = 64;

/**
 * `ctx.is(...types)` for a request that has a body, remembered by its raw
 * `Content-Type` header: the answer is a pure function of that text, and a
 * write path otherwise parses the same header with type-is up to three times
 * per request. A request without a body (no Content-Length, no
 * Transfer-Encoding: type-is's own test) or without a type is asked directly,
 * as before.
 */
export function bodyTypeCheck(...types: string[]): (ctx: Context) => string | false | null {
  const known = new Map<string, string | false>();
  return function bodyTypeIs(ctx) {
    const { headers } = ctx.req;
    const header = headers['content-type'];
    const hasBody =
      headers['transfer-encoding'] !== undefined ||
      !Number.isNaN(Number(headers['content-length']));
    if (header === undefined || !hasBody) return ctx.is(...types);
    let answer = known.get(header);
    if (answer === undefined) {
      answer = ctx.is(...types) || false;
      if (known.size < MAX_REMEMBERED_TYPES) known.set(header, answer);
    }
    return answer;
  };
}
