import type { Middleware } from 'koa';
import { AppError, isRedisUnreachable, QueueUnavailableError } from '../../shared/errors/index.js';
import type { RequestState } from './request-id.js';

interface HttpErrorLike {
  /** raw-body's byte limit on a 413. */
  limit?: number;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
}

function tooLarge(error: HttpErrorLike): string {
  return typeof error.limit === 'number'
    ? `request body too large: at most ${error.limit} bytes`
    : 'request body too large';
}

/**
 * The one place errors become HTTP answers: `{"result": false, "errors": [...]}`.
 * Typed errors and the body parser's own 4xx keep their message; anything else
 * is a 500 with a generic message and the request id that is in the log line.
 */
export function errorHandler(): Middleware<RequestState> {
  return async function answerErrors(ctx, next) {
    try {
      await next();
    } catch (thrown) {
      // Redis unreachable (only the fail-fast producer connection fails this way): 503, not 500.
      const error = isRedisUnreachable(thrown)
        ? new QueueUnavailableError({ cause: thrown })
        : thrown;
      if (error instanceof AppError) {
        ctx.status = error.status;
        ctx.set(error.headers);
        ctx.body = { result: false, errors: error.expose ? error.messages : ['internal error'] };
        if (error.status >= 500) ctx.state.log.error({ err: error }, 'request failed');
        return;
      }
      const httpError = error as HttpErrorLike;
      const status = httpError.status ?? httpError.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        // Body-parser errors: JSON.parse messages are not marked safe, so word them here.
        const message =
          status === 400 && !httpError.expose
            ? 'malformed request body: expected valid JSON or form data'
            : (httpError.message ?? 'bad request');
        ctx.status = status;
        ctx.body = { result: false, errors: [status === 413 ? tooLarge(httpError) : message] };
        return;
      }
      ctx.state.log.error({ err: error }, 'request failed');
      ctx.status = 500;
      ctx.body = {
        result: false,
        errors: [`internal error (request id ${ctx.state.requestId})`],
      };
    }
  };
}

/** Unknown routes answer in the same envelope as every other error. */
export function notFoundFallback(): Middleware {
  return async function answerNotFound(ctx, next) {
    await next();
    // The router answers 501 to a method it has never heard of (TRACE, PROPFIND):
    // for a client that is the same mistake as any other wrong method, so 405.
    if (ctx.status === 501 && ctx.body === undefined) {
      ctx.status = 405;
      ctx.body = { result: false, errors: [`method ${ctx.method} is not allowed on ${ctx.path}`] };
      return;
    }
    if (ctx.status === 404 && ctx.body === undefined) {
      ctx.status = 404;
      ctx.body = { result: false, errors: [`no route for ${ctx.method} ${ctx.path}`] };
    }
  };
}
