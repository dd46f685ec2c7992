import type Koa from 'koa';
import type Router from '@koa/router';

/** Every `METHOD /path` an app's routers answer (HEAD, implied by GET, left out). */
export function appRoutes(app: Koa<never>): string[] {
  const routes = new Set<string>();
  for (const middleware of app.middleware) {
    const router = (middleware as { router?: Router }).router;
    for (const layer of router?.stack ?? []) {
      for (const method of layer.methods) {
        if (method !== 'HEAD') routes.add(`${method} ${String(layer.path)}`);
      }
    }
  }
  return [...routes].sort();
}
