import bodyParser from 'koa-bodyparser';
import type { Middleware } from 'koa';
import { UnsupportedMediaTypeError } from '../../shared/domain/errors/index.js';
import { bodyTypeCheck } from './body-type.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * JSON and form bodies only, size-bounded. A write with another content type
 * is refused with 415 rather than read as an empty body. Requests to
 * `rawPaths` are left unread: their route streams the body itself (CSV import).
 * A write to `untypedJsonPaths` without any `Content-Type` is read as JSON
 * (seed 000's client sends none).
 */
export function parseBody(options: {
  limit: string;
  rawPaths?: readonly string[];
  untypedJsonPaths?: readonly string[];
}): Middleware[] {
  const rawPaths = new Set(options.rawPaths ?? []);
  const untypedJson = new Set(options.untypedJsonPaths ?? []);
  const isKnownType = bodyTypeCheck('application/json', 'application/x-www-form-urlencoded');
  const requireKnownType: Middleware = function requireKnownBodyType(ctx, next) {
    if (rawPaths.has(ctx.path)) return next();
    if (WRITE_METHODS.has(ctx.method) && ctx.request.length !== 0 && ctx.get('Content-Type')) {
      if (!isKnownType(ctx)) {
        throw new UnsupportedMediaTypeError(
          'unsupported content type: send application/json or application/x-www-form-urlencoded',
        );
      }
    }
    return next();
  };
  const parseKnown = bodyParser({
    enableTypes: ['json', 'form'],
    jsonLimit: options.limit,
    formLimit: options.limit,
    strict: true,
    detectJSON: (ctx) => untypedJson.has(ctx.path) && !ctx.get('Content-Type'),
  }) as unknown as Middleware;
  const parse: Middleware = function parseKnownBody(ctx, next) {
    return rawPaths.has(ctx.path) ? next() : parseKnown(ctx, next);
  };
  return [requireKnownType, parse];
}
