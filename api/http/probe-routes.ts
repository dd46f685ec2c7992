import { createHash, timingSafeEqual } from 'node:crypto';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Registry } from 'prom-client';
import { livenessRoutes, readinessRoutes } from '../../shared/infra/http/health.routes.js';
import { metricsRoutes } from '../../shared/infra/http/metrics.routes.js';
import type { ReadinessCheck } from '../../shared/infra/process/readiness-check.js';

/** The probe paths that tell more than "alive": queue depths, process and dependency state. */
export const INSIGHT_PATHS: ReadonlySet<string> = new Set(['/metrics', '/ready']);

/** How a listener that faces the internet serves `/metrics` and `/ready`. */
export interface EdgeProbes {
  /** Bearer token that opens them; undefined: they are not served on this listener. */
  readonly token: string | undefined;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Lets a request for `/metrics` or `/ready` through only with `Authorization:
 * Bearer <token>` (compared in constant time); any other caller gets the 404
 * of a route that does not exist, so the listener does not even say they are there.
 */
function requireProbeToken(token: string): Middleware {
  const expected = digest(token);
  return async function guardProbes(ctx, next) {
    if (!INSIGHT_PATHS.has(ctx.path)) return next();
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('Authorization'))?.[1];
    if (bearer === undefined || !timingSafeEqual(digest(bearer), expected)) return;
    await next();
  };
}

/**
 * The operational routes of a service listener. Internal: `/health`,
 * `/ready`, `/metrics`. Facing the internet (`edge`): `/health`, and the other
 * two only behind the probe token (the ops port serves them to operators).
 */
export function probeRoutes(
  readiness: Record<string, ReadinessCheck>,
  registry: Registry,
  edge?: EdgeProbes,
): { readonly guard?: Middleware; readonly routers: Router[] } {
  const insight = [readinessRoutes(readiness), metricsRoutes(registry)];
  if (edge === undefined) return { routers: [livenessRoutes(), ...insight] };
  if (edge.token === undefined) return { routers: [livenessRoutes()] };
  return { guard: requireProbeToken(edge.token), routers: [livenessRoutes(), ...insight] };
}

/** Whether a listener serves `/metrics` and `/ready` at all (its OpenAPI document lists them then). */
export function servesInsight(edge?: EdgeProbes): boolean {
  return edge === undefined || edge.token !== undefined;
}
