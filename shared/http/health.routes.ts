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

/** Runs every check at once (each within its timeout): which dependencies answer now. */
export async function checkReadiness(
  checks: Record<string, ReadinessCheck>,
): Promise<Record<string, 'up' | 'down'>> {
  const names = Object.keys(checks);
  const outcomes = await Promise.allSettled(names.map((name) => withTimeout(checks[name]!)));
  return Object.fromEntries(
    names.map((name, i) => [name, outcomes[i]?.status === 'fulfilled' ? 'up' : 'down']),
  );
}

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
