import Router from '@koa/router';

export type ReadinessCheck = () => Promise<void>;

const CHECK_TIMEOUT_MS = 2000;

function withTimeout(check: ReadinessCheck): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
    check().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** `/health`: the process answers. `/ready`: every dependency answers, or 503 naming the ones that do not. */
export function healthRoutes(checks: Record<string, ReadinessCheck>): Router {
  const router = new Router();
  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/ready', async (ctx) => {
    const names = Object.keys(checks);
    const outcomes = await Promise.allSettled(names.map((name) => withTimeout(checks[name]!)));
    const down = names.filter((_, i) => outcomes[i]?.status === 'rejected');
    ctx.status = down.length === 0 ? 200 : 503;
    ctx.body = {
      status: down.length === 0 ? 'ready' : 'unavailable',
      checks: Object.fromEntries(names.map((n) => [n, down.includes(n) ? 'down' : 'up'])),
      ...(down.length > 0 && { errors: down.map((n) => `${n} is not answering`) }),
    };
  });
  return router;
}
