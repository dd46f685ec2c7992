import type { EnvReader } from './env-parsers.js';
import type { Config } from './types.js';

/**
 * Bull Board's logins: the full role (only outside production does its
 * password have a default) and, with BOARD_VIEWER_PASSWORD, a read-only one.
 */
export function readBoard(read: EnvReader, env: Config['env']): Config['board'] {
  const viewerPassword = read.optionalString('BOARD_VIEWER_PASSWORD');
  const board = {
    user: read.string('BOARD_USER', 'admin'),
    // Empty in production when unset, which checkCredentials refuses.
    password: read.optionalString('BOARD_PASSWORD') ?? (env === 'production' ? '' : 'spillway'),
  };
  if (viewerPassword === undefined) return board;
  const viewer = { user: read.string('BOARD_VIEWER_USER', 'viewer'), password: viewerPassword };
  if (viewer.user === board.user) {
    read.problem('BOARD_VIEWER_USER: must differ from BOARD_USER (one login, one role)');
  }
  return { ...board, viewer };
}

/** SERVICE_TOKEN: the internal services' shared secret, unset when they go without one. */
export function readServiceToken(read: EnvReader): Config['serviceToken'] {
  return read.optionalString('SERVICE_TOKEN');
}

/** Records a problem for a missing production board password and for a short service or probe token. */
export function checkCredentials(
  read: EnvReader,
  config: Pick<Config, 'board' | 'serviceToken' | 'edge'>,
): void {
  if (config.board.password === '') {
    read.problem('BOARD_PASSWORD: required in production (Bull Board has no default password)');
  }
  if (config.serviceToken !== undefined && config.serviceToken.length < 16) {
    read.problem('SERVICE_TOKEN: expected at least 16 characters');
  }
  if (config.edge.probeToken !== undefined && config.edge.probeToken.length < 16) {
    read.problem('PROBE_TOKEN: expected at least 16 characters');
  }
}
