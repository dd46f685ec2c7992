import Router from '@koa/router';
import type { Middleware } from 'koa';
import { checkReadiness, type ReadinessCheck } from '../process/readiness-check.js';
import { DISPOSABLE_DEPENDENCIES } from '../process/readiness.js';

const DISPOSABLE: ReadonlySet<string> = new Set(DISPOSABLE_DEPENDENCIES);

const alive: Middleware = (ctx) => {
  ctx.body = { status: 'ok' };
};

/**
 * 200 `ready` when every dependency answers; 200 `degraded` when only a
 * disposable one (the cache Redis: reads then come from the stores) does not;
 * else 503 `unavailable`. Either way the answer names what is down.
 */
function ready(checks: Record<string, ReadinessCheck>): Middleware {
  return async (ctx) => {
    const states = await checkReadiness(checks);
    const down = Object.keys(states).filter((name) => states[name] === 'down');
    const needed = down.filter((name) => !DISPOSABLE.has(name));
    ctx.status = needed.length === 0 ? 200 : 503;
    ctx.body = {
      status: down.length === 0 ? 'ready' : needed.length === 0 ? 'degraded' : 'unavailable',
      checks: states,
      ...(down.length > 0 && { errors: down.map((n) => `${n} is not answering`) }),
    };
  };
}

/** `/health` alone: the process answers. Cheap (no dependency is asked): safe on any listener. */
export function livenessRoutes(): Router {
  return new Router().get('/health', alive);
}

/** `/ready` alone: every dependency answers, or 503 naming the ones that do not. */
export function readinessRoutes(checks: Record<string, ReadinessCheck>): Router {
  return new Router().get('/ready', ready(checks));
}

/** `/health`: the process answers. `/ready`: every dependency answers, or 503 naming the ones that do not. */
export function healthRoutes(checks: Record<string, ReadinessCheck>): Router {
  return new Router().get('/health', alive).get('/ready', ready(checks));
}
