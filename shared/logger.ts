import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs; every process creates one root logger and passes children down.
 * Lines go to stdout asynchronously: a synchronous write per line (pino's default)
 * cost every request a system call; lines written while one is in flight now
 * leave together. Pino flushes what is pending when the process exits.
 */
export function createLogger(options: { level: string; name: string }): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      base: { pid: process.pid, process: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ dest: 1, sync: false }),
  );
}
