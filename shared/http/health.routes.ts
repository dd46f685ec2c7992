import Router from '@koa/router';
import { checkReadiness, type ReadinessCheck } from '../readiness-check.js';

/** `/health`: the process answers. `/ready`: every dependency answers, or 503 naming the ones that do not. */
export function healthRoutes(checks: Record<string, ReadinessCheck>): Router {
  const router = new Router();
  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/ready', async (ctx) => {
    const states = await checkReadiness(checks);
    const down = Object.keys(states).filter((name) => states[name] === 'down');
    ctx.status = down.length === 0 ? 200 : 503;
    ctx.body = {
      status: down.length === 0 ? 'ready' : 'unavailable',
      checks: states,
      ...(down.length > 0 && { errors: down.map((n) => `${n} is not answering`) }),
    };
  });
  return router;
}
