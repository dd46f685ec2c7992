import type { Middleware, ParameterizedContext } from 'koa';
import { TooManyRequestsError } from '../../shared/domain/errors/index.js';
import type { SyncedRateLimiter } from '../../shared/infra/rate-limit/synced-rate-limiter.js';
import type { RequestState } from './request-id.js';
import { WRITE_METHODS } from './write-methods.js';

/** Paths that probes and scrapers use; never limited. */
const OPERATIONAL_PATHS = new Set(['/health', '/ready', '/metrics']);

export interface RateLimitOptions {
  /** The service's budget (its scope and limit are the limiter's). */
  readonly limiter: SyncedRateLimiter;
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
 * through one address and limits them itself. The decision is the process's
 * own (no network round trip): the limiter shares the budget with the other
 * processes through the cache Redis in the background, and goes on alone
 * while that Redis is down, so a limiter outage never becomes an API outage.
 */
export function rateLimit(options: RateLimitOptions): Middleware<RequestState> {
  const { limiter, applies } = options;
  const limitHeader = String(options.limit);
  const bulkPaths = options.bulkPaths ?? new Set<string>();
  /** Counts `weight` against the client's budget; throws 429 once it is spent. */
  function spend(ctx: ParameterizedContext<RequestState>, weight: number, what: string): void {
    const decision = limiter.hit(ctx.ip, weight);
    ctx.set('RateLimit-Limit', limitHeader);
    ctx.set('RateLimit-Remaining', String(decision.remaining));
    if (!decision.allowed) {
      throw new TooManyRequestsError(
        `too many ${what} from this client: at most ${limitHeader} per minute; retry in ${decision.retryAfterSeconds} s`,
        { retryAfterSeconds: decision.retryAfterSeconds },
      );
    }
  }
  return function limitClientRate(ctx, next) {
    const counted =
      !OPERATIONAL_PATHS.has(ctx.path) &&
      ctx.state.trustedService !== true &&
      (applies === 'all' || WRITE_METHODS.has(ctx.method));
    if (counted && ctx.method === 'POST' && bulkPaths.has(ctx.path)) {
      // A bulk request spends its items, chunk by chunk, before each is enqueued.
      (ctx.state.bulk.admissions ??= []).push(async (items) => spend(ctx, items, 'writes'));
    } else if (counted) {
      spend(ctx, 1, 'requests');
    }
    return next();
  };
}
