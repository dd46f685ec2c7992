import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { eventually } from './eventually.js';
import { freePort } from './processes.js';

/**
 * A FerretDB of the test's own (SQLite handler, own directory, own port) that
 * the test may kill and start again on the same data, so a test of "Mongo is
 * down" never stops the server other tests share.
 */
export interface PrivateFerretdb {
  /** A MongoDB URL for `database` on this server. */
  url(database: string): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** The FerretDB binary scripts/services.sh installs with `go install`. */
function ferretdbBinary(): string {
  let gopath = join(homedir(), 'go');
  try {
    gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim() || gopath;
  } catch {
    // No go on PATH: the default GOPATH is where `go install` put it.
  }
  const binary = join(gopath, 'bin', 'ferretdb');
  if (!existsSync(binary))
    throw new Error(`no FerretDB binary at ${binary}; run scripts/services.sh`);
  return binary;
}

function accepts(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(undefined));
  });
}

export async function startPrivateFerretdb(): Promise<PrivateFerretdb> {
  const binary = ferretdbBinary();
  const dir = mkdtempSync(join(tmpdir(), 'spillway-ferretdb-'));
  const port = await freePort();
  let server: ChildProcess | undefined;
  const start = async () => {
    server = spawn(
      binary,
      [
        '--handler=sqlite',
        `--sqlite-url=file:${dir}/`,
        `--listen-addr=127.0.0.1:${port}`,
        '--telemetry=disable',
        `--state-dir=${dir}`,
        // The debug listener's default port (8088) is taken by the shared FerretDB.
        '--debug-addr=-',
        '--log-level=error',
      ],
      { stdio: 'ignore' },
    );
    await eventually(() => accepts(port), {
      timeoutMs: 20_000,
      what: 'the private FerretDB to listen',
    });
  };
  const stop = async () => {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: (database) => `mongodb://127.0.0.1:${port}/${database}`,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
