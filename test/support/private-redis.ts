import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from './eventually.js';
import { freePort } from './processes.js';

const run = promisify(execFile);

/**
 * A queue Redis of the test's own, configured as §5 asks of production (AOF,
 * fsync on every write, noeviction), that the test may shut down and start
 * again on the same directory.
 */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** `SHUTDOWN` (Redis fsyncs the AOF and exits), then waits for the exit. */
  stop(): Promise<void>;
  /** `SIGKILL`, no shutdown of its own (the AOF keeps what `appendfsync always` wrote), then waits for the exit. */
  kill(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'spillway-redis-'));
  const port = await freePort();
  let server: ChildProcess | undefined;
  const cli = (...args: string[]) => run('redis-cli', ['-p', String(port), ...args]);
  const start = async () => {
    server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--maxmemory-policy',
        'noeviction',
        '--save',
        '',
      ],
      { stdio: 'ignore' },
    );
    await eventually(
      () =>
        cli('ping').then(
          ({ stdout }) => (stdout.trim() === 'PONG' ? true : undefined),
          () => undefined,
        ),
      { timeoutMs: 15_000, what: 'the private Redis to answer' },
    );
  };
  const stop = async () => {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await cli('shutdown').catch(() => child.kill('SIGTERM'));
    await exited;
  };
  const kill = async () => {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    start,
    stop,
    kill,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
