import type { EnvReader } from './env-parsers.js';
import type { Config } from './types.js';

/** Bull Board's login; only outside production does the password have a default. */
export function readBoard(read: EnvReader, env: Config['env']): Config['board'] {
  return {
    user: read.string('BOARD_USER', 'admin'),
    // Empty in production when unset, which checkCredentials refuses.
    password: read.optionalString('BOARD_PASSWORD') ?? (env === 'production' ? '' : 'spillway'),
  };
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
