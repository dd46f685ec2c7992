import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';

/** A login of the operations port. */
export interface Credentials {
  readonly user: string;
  readonly password: string;
}

/** Who may use Bull Board and the dead letters: a full role and, when configured, a read-only one. */
export interface BoardLogins extends Credentials {
  /** BOARD_VIEWER_USER / BOARD_VIEWER_PASSWORD: sees every queue and job, changes nothing. */
  readonly viewer?: Credentials;
}

/** Methods that only read: all a viewer may send. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * HTTP basic auth with two roles, each compared in constant time: the full
 * role (BOARD_USER) may do everything Bull Board and the dead-letter routes
 * offer; the viewer role (BOARD_VIEWER_USER) may only read, and any request
 * that would change a queue, a job or a dead letter (every method but GET,
 * HEAD, OPTIONS: add, retry, promote, clean, pause, re-drive) is a 403.
 * Unknown or missing credentials get 401 with a challenge.
 */
export function boardAccess(logins: BoardLogins, realm: string): Middleware {
  const full = digest(`${logins.user}:${logins.password}`);
  const viewer = logins.viewer && digest(`${logins.viewer.user}:${logins.viewer.password}`);
  return async function requireBoardRole(ctx, next) {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(ctx.get('Authorization'));
    const offered = digest(match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '');
    // Both comparisons always run, so the time taken tells nothing about which one matched.
    const isFull = timingSafeEqual(offered, full);
    const isViewer = viewer !== undefined && timingSafeEqual(offered, viewer);
    if (!isFull && !isViewer) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
      ctx.body = { result: false, code: 'SPW_UNAUTHORIZED', errors: ['authentication required'] };
      return;
    }
    if (!isFull && !READ_METHODS.has(ctx.method)) {
      ctx.status = 403;
      ctx.body = {
        result: false,
        code: 'SPW_UNAUTHORIZED',
        errors: ['this login may only view the queues: ask an operator with the full role'],
      };
      return;
    }
    await next();
  };
}
