import type { Middleware } from 'koa';
import {
  AppError,
  answerCode,
  isRedisUnreachable,
  QueueUnavailableError,
  type ErrorCode,
} from '../../shared/domain/errors/index.js';
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

/** The body parser's own 4xx: a malformed body, or another client error it names. */
function bodyParserCode(status: number, error: HttpErrorLike): ErrorCode {
  if (status === 400 && !error.expose) return 'SPW_MALFORMED_BODY';
  if (status === 415) return 'SPW_UNSUPPORTED_MEDIA_TYPE';
  return 'SPW_BAD_REQUEST';
}

/**
 * A 5xx answer: it carries the request id that is in the log line, beside
 * the messages (and in the message itself when that says nothing more).
 */
function failed(
  ctx: { state: RequestState },
  code: ErrorCode,
  messages: readonly string[] | undefined,
): Record<string, unknown> {
  const { requestId } = ctx.state;
  return {
    result: false,
    code,
    errors: messages ?? [`internal error (request id ${requestId})`],
    request_id: requestId,
  };
}

/**
 * The one place errors become HTTP answers: `{"result": false, "code",
 * "errors": [...]}`, the code one of ERROR_CODES. Typed errors and the body
 * parser's own 4xx keep their message; anything else is a 500 with a generic
 * message. Every 5xx carries the request id that is in the log line.
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
        if (error.status >= 500) {
          ctx.state.log.error({ err: error }, 'request failed');
          ctx.body = failed(ctx, answerCode(error.code), error.expose ? error.messages : undefined);
        } else {
          ctx.body = {
            result: false,
            code: answerCode(error.code),
            errors: error.expose ? error.messages : ['request refused'],
          };
        }
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
        ctx.body =
          status === 413
            ? { result: false, code: 'SPW_PAYLOAD_TOO_LARGE', errors: [tooLarge(httpError)] }
            : { result: false, code: bodyParserCode(status, httpError), errors: [message] };
        return;
      }
      ctx.state.log.error({ err: error }, 'request failed');
      ctx.status = 500;
      ctx.body = failed(ctx, 'SPW_INTERNAL', undefined);
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
      ctx.body = {
        result: false,
        code: 'SPW_METHOD_NOT_ALLOWED',
        errors: [`method ${ctx.method} is not allowed on ${ctx.path}`],
      };
      return;
    }
    if (ctx.status === 404 && ctx.body === undefined) {
      ctx.status = 404;
      ctx.body = {
        result: false,
        code: 'SPW_NO_ROUTE',
        errors: [`no route for ${ctx.method} ${ctx.path}`],
      };
    }
  };
}
