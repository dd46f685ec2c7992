import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { eventually } from './eventually.js';
import { http } from './http.js';
import { testSlot } from '../../config/test-slot.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Sends the signal and resolves with the exit code and how long the exit took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

/**
 * Ports handed to servers a test starts later: below Linux's ephemeral range
 * (32768–60999), where every outgoing connection takes its local port, so a
 * port cannot be taken by a connection between this pick and the server's
 * bind (`npm start` binds its ports 10–30 s after they are picked: CI saw
 * EADDRINUSE). Each test slot has its own block, so checkouts running at once
 * do not share one.
 */
const FIRST_PORT = 21_000;
const PORTS_PER_SLOT = 800;
const portBlock = FIRST_PORT + testSlot() * PORTS_PER_SLOT;
/** Handed out in turn from a random start: no port twice in a row of 800 picks. */
let nextPort = Math.floor(Math.random() * PORTS_PER_SLOT);

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free loopback port of this test slot's block (see FIRST_PORT). */
export async function freePort(): Promise<number> {
  for (let tried = 0; tried < PORTS_PER_SLOT; tried += 1) {
    const port = portBlock + (nextPort % PORTS_PER_SLOT);
    nextPort += 1;
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${portBlock}..${portBlock + PORTS_PER_SLOT - 1}`);
}

/** Runs one of the project's TypeScript entry files as its own Node process. */
export function runEntry(
  entry: string,
  args: string[],
  env: Record<string, string>,
): RunningProcess {
  return watch(
    spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    (child, signal) => {
      if (child.exitCode === null) child.kill(signal);
    },
  );
}

/**
 * Runs `npm start` as a user would, in a process group of its own: `stop`
 * signals the whole group (npm, start.sh and the processes it runs), as
 * Ctrl-C in a terminal does. `env` is added to this process's environment
 * (npm, bash and the service scripts need PATH and HOME).
 */
export function runNpmStart(env: Record<string, string>): RunningProcess {
  return watch(
    spawn('npm', ['start'], {
      cwd: ROOT,
      // eslint-disable-next-line no-restricted-properties -- as a user runs it: in their shell's environment
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    }),
    (child, signal) => {
      try {
        process.kill(-child.pid!, signal);
      } catch (error) {
        // ESRCH: every process of the group has exited already.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    },
  );
}

/**
 * Every child still running, killed when this test process exits (mocha
 * `--exit` after a timed-out test, a crash): a child left behind would take
 * the next tests' CPU and consume their test slot's queues.
 */
const running = new Set<() => void>();
process.on('exit', () => {
  for (const kill of running) kill();
});

function watch(
  child: ChildProcess,
  signal: (child: ChildProcess, signal: NodeJS.Signals) => void,
): RunningProcess {
  const kill = () => {
    try {
      signal(child, 'SIGKILL');
    } catch {
      // Gone already.
    }
  };
  running.add(kill);
  child.once('exit', () => running.delete(kill));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    output: () => output,
    async stop(name = 'SIGTERM') {
      const started = Date.now();
      signal(child, name);
      const code = await exited;
      return { code, ms: Date.now() - started };
    },
  };
}

/** Resolves once `${base}/health` answers 200: a process's listener is up. */
export async function untilHealthy(
  base: string,
  options: { timeoutMs?: number; what: string },
): Promise<void> {
  await eventually(
    async () =>
      (await http('GET', `${base}/health`).catch(() => undefined))?.status === 200
        ? true
        : undefined,
    { timeoutMs: options.timeoutMs ?? 30_000, what: options.what },
  );
}
