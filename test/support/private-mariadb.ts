import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MIGRATIONS_DIR } from '../../shared/domain/mysql/migrations-dir.js';
import { applyMigrations } from '../../shared/domain/repositories/schema-migrations.repository.js';
import { eventually } from './eventually.js';
import { freePort } from './processes.js';

const run = promisify(execFile);

/**
 * A MariaDB server of the test's own (own datadir, own port) that the test may
 * stop and start at will, so a test of "MySQL is down" never stops the server
 * other tests share.
 */
export interface PrivateMariadb {
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startPrivateMariadb(): Promise<PrivateMariadb> {
  const dir = mkdtempSync(join(tmpdir(), 'spillway-mariadb-'));
  const port = await freePort();
  await run('mariadb-install-db', [
    '--no-defaults',
    '--user=root',
    `--datadir=${join(dir, 'data')}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
  ]);
  let server: ChildProcess | undefined;
  const admin = (...args: string[]) =>
    run('mariadb-admin', ['-h127.0.0.1', `-P${port}`, '-uroot', ...args]);
  const start = async () => {
    server = spawn(
      'mariadbd',
      [
        '--no-defaults',
        '--user=root',
        `--datadir=${join(dir, 'data')}`,
        '--bind-address=127.0.0.1',
        `--port=${port}`,
        `--socket=${join(dir, 'mariadb.sock')}`,
        `--pid-file=${join(dir, 'mariadb.pid')}`,
        `--log-error=${join(dir, 'error.log')}`,
        '--innodb-buffer-pool-size=32M',
      ],
      { stdio: 'ignore' },
    );
    await eventually(
      () =>
        admin('ping').then(
          () => true,
          () => undefined,
        ),
      {
        timeoutMs: 30_000,
        what: 'the private MariaDB to answer',
      },
    );
  };
  const stop = async () => {
    const exited = server
      ? new Promise((resolve) => server!.once('exit', resolve))
      : Promise.resolve();
    await admin('shutdown').catch(() => server?.kill('SIGKILL'));
    await exited;
    server = undefined;
  };
  await start();
  await run('mariadb', [
    '-h127.0.0.1',
    `-P${port}`,
    '-uroot',
    '-e',
    "CREATE DATABASE spillway; CREATE USER 'spillway'@'%' IDENTIFIED BY 'spillway'; GRANT ALL ON spillway.* TO 'spillway'@'%';",
  ]);
  const url = `mysql://spillway:spillway@127.0.0.1:${port}/spillway`;
  await applyMigrations(url, MIGRATIONS_DIR);
  return {
    url,
    start,
    stop,
    async destroy() {
      if (server) await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
