import type { Middleware, ParameterizedContext } from 'koa';
import type { ServiceName } from '../../config/index.js';
import { TooManyRequestsError } from '../../shared/errors/index.js';
import type { FixedWindowLimiter } from '../../shared/rate-limit/fixed-window-limiter.js';
import type { RequestState } from './request-id.js';
import { WRITE_METHODS } from './write-methods.js';

/** Paths that probes and scrapers use; never limited. */
const OPERATIONAL_PATHS = new Set(['/health', '/ready', '/metrics']);

export interface RateLimitOptions {
  readonly limiter: FixedWindowLimiter;
  /** Names the budget in Redis (one per service and kind). */
  readonly scope: ServiceName;
  readonly limit: number;
  /** Which requests count: writes only, or every request (the public API). */
  readonly applies: 'writes' | 'all';
  /** Bulk routes: their items count, chunk by chunk, instead of the request. */
  readonly bulkPaths?: ReadonlySet<string>;
}

/**
 * Per-client budget (client = `ctx.ip`; X-Forwarded-For only with TRUST_PROXY)
 * → 429 with `Retry-After` once spent. Requests from a trusted internal caller
 * (valid service token) are not counted: the public API funnels many clients
 * through one address and limits them itself. If Redis cannot be asked, the
 * request goes through — a limiter outage must not become an API outage.
 */
export function rateLimit(options: RateLimitOptions): Middleware<RequestState> {
  const { limiter, scope, limit, applies } = options;
  const bulkPaths = options.bulkPaths ?? new Set<string>();
  /** Counts `weight` against the client's budget; throws 429 once it is spent. */
  async function spend(
    ctx: ParameterizedContext<RequestState>,
    weight: number,
    what: string,
  ): Promise<void> {
    let decision;
    try {
      decision = await limiter.hit(scope, ctx.ip, weight);
    } catch (error) {
      ctx.state.log.warn({ err: error }, 'rate limiter unavailable; request let through');
    }
    if (!decision) return;
    ctx.set('RateLimit-Limit', String(limit));
    ctx.set('RateLimit-Remaining', String(decision.remaining));
    if (!decision.allowed) {
      throw new TooManyRequestsError(
        `too many ${what} from this client: at most ${limit} per minute; retry in ${decision.retryAfterSeconds} s`,
        { retryAfterSeconds: decision.retryAfterSeconds },
      );
    }
  }
  return async function limitClientRate(ctx, next) {
    const counted =
      !OPERATIONAL_PATHS.has(ctx.path) &&
      ctx.state.trustedService !== true &&
      (applies === 'all' || WRITE_METHODS.has(ctx.method));
    if (counted && ctx.method === 'POST' && bulkPaths.has(ctx.path)) {
      // A bulk request spends its items, chunk by chunk, before each is enqueued.
      (ctx.state.admitItems ??= []).push((items) => spend(ctx, items, 'writes'));
    } else if (counted) {
      await spend(ctx, 1, 'requests');
    }
    await next();
  };
}
