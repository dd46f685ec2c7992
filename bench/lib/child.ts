import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The repository root: children run from here so `tsx` and relative entries resolve. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One child process of the benchmark (a server, the API, the workers). */
export interface Child {
  readonly pid: number;
  readonly child: ChildProcess;
  /** The last few KB of stderr and stdout, for error messages. */
  tail(): string;
  /** Resolves with the first stdout line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/** A free loopback port, found by binding port 0 once. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Runs an entry file in its own Node process (a TypeScript one through tsx). Output is
 * read continuously so a chatty child (access logs) never blocks on a full pipe.
 */
export function runChild(
  entry: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
  nodeArgs: readonly string[] = [],
): Child {
  // TypeScript entries run through tsx; compiled ones (dist/, as in production) by node alone.
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, entry, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  const lineWaiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    keep(chunk);
    if (lineWaiters.length === 0) return;
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      for (const waiter of [...lineWaiters]) {
        if (waiter.pattern.test(line)) {
          lineWaiters.splice(lineWaiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid ?? 0,
    child,
    tail: () => tail,
    waitForLine(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${entry}: no line ${pattern} in ${timeoutMs} ms\n${tail}`)),
          timeoutMs,
        );
        lineWaiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        void exited.then(() => reject(new Error(`${entry} exited early\n${tail}`)));
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Polls `url` until it answers 2xx (a started server). */
export async function waitForHttp(url: string, child: Child, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.child.exitCode !== null) throw new Error(`child exited early\n${child.tail()}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer in ${timeoutMs} ms\n${child.tail()}`);
}
