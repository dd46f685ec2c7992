import { pino, type Logger } from 'pino';

export type { Logger };

let stampedMs = -1;
let stamp = '';

/**
 * pino's `isoTime`, remembered for the current millisecond: a busy API logs
 * several lines per millisecond and formatting the date was a visible share
 * of each access log line. Same text as `pino.stdTimeFunctions.isoTime`.
 */
export function isoTimeStamp(): string {
  const now = Date.now();
  if (now !== stampedMs) {
    stampedMs = now;
    stamp = `,"time":"${new Date(now).toISOString()}"`;
  }
  return stamp;
}

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
      timestamp: isoTimeStamp,
    },
    stdoutDestination(),
  );
}

/**
 * Standard output, written asynchronously. sonic-boom's text mode measures the
 * UTF-8 length of its whole pending chunk (up to 16 KB) again for every line it
 * appends, a cost that grows with the backlog of a busy process; in its buffer
 * mode it keeps each chunk's length, so a line is encoded once and only its own
 * length is counted. Same bytes out, same flush on exit.
 */
export function stdoutDestination(fd = 1): ReturnType<typeof pino.destination> {
  const destination = pino.destination({ dest: fd, sync: false, contentMode: 'buffer' });
  // Typed for text, but in buffer mode sonic-boom's write takes a Buffer.
  const writeBuffer = destination.write.bind(destination) as unknown as (line: Buffer) => boolean;
  destination.write = (line: string) => writeBuffer(Buffer.from(line));
  return destination;
}
