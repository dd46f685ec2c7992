import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../../shared/logger.js';

export interface RequestState {
  requestId: string;
  log: Logger;
  /** Set when the caller presented the internal service token. */
  trustedService?: boolean;
}

const ACCEPTABLE_ID = /^[\w.:-]{1,128}$/;

/**
 * Takes the caller's `X-Request-Id` when it is a sane token, otherwise makes
 * one; returns it and gives the request a logger that carries it.
 */
export function requestId(logger: Logger): Middleware<RequestState> {
  return async function assignRequestId(ctx, next) {
    const offered = ctx.get('X-Request-Id');
    const id = ACCEPTABLE_ID.test(offered) ? offered : randomUUID();
    ctx.state.requestId = id;
    // Made on first use: most requests log one access line only, which the
    // access logger writes with the id itself, and a child per request was a
    // visible share of a small request's time.
    let child: Logger | undefined;
    Object.defineProperty(ctx.state, 'log', {
      get: () => (child ??= logger.child({ requestId: id })),
      enumerable: true,
      configurable: true,
    });
    ctx.set('X-Request-Id', id);
    await next();
  };
}
