import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; every process creates one root logger and passes children down. */
export function createLogger(options: { level: string; name: string }): Logger {
  return pino({
    name: options.name,
    level: options.level,
    base: { pid: process.pid, process: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
