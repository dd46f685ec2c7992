import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../../shared/infra/process/connections.js';
import { eventually } from '../../support/eventually.js';
import { freePort } from '../../support/processes.js';
import { testConfig } from '../../support/test-config.js';

const PRIMARY_NAME = 'spillway-test-queue';
/** The Redis servers' password (from the URL) and the sentinel's own (REDIS_QUEUE_SENTINEL_PASSWORD). */
const REDIS_PASSWORD = 'primary-secret';
const SENTINEL_PASSWORD = 'sentinel-secret';
/** Not 0, so the test sees that the URL's db number applies. */
const DB = 3;

/** A local redis-server (or, with `--sentinel`, a Sentinel) that answers PING. */
async function startRedisServer(
  args: readonly string[],
  port: number,
  password: string,
): Promise<{ child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn('redis-server', [...args], { stdio: 'ignore' });
  const probe = new Redis(port, '127.0.0.1', {
    password,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
  });
  probe.on('error', () => undefined);
  try {
    await eventually(
      () =>
        probe.ping().then(
          (answer) => (answer === 'PONG' ? true : undefined),
          () => undefined,
        ),
      { timeoutMs: 15_000, what: `redis-server on ${port} to answer` },
    );
  } finally {
    probe.disconnect();
  }
  return {
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The port of the Redis server a client is talking to, and the db it uses, as that server says. */
async function whereConnected(client: Redis): Promise<{ port: number; db: number }> {
  const info = await client.info('server');
  const self = String(await client.call('CLIENT', 'INFO'));
  return {
    port: Number(/tcp_port:(\d+)/.exec(info)?.[1]),
    db: Number(/ db=(\d+)/.exec(self)?.[1]),
  };
}

describe('Redis through Sentinel (REDIS_QUEUE_SENTINELS): a primary, its replica, one sentinel', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'spillway-sentinel-'));
  const servers: { stop: () => Promise<void> }[] = [];
  let primaryPort: number;
  let replicaPort: number;
  let sentinelPort: number;
  let sentinel: Redis;
  let connections: Connections;
  let closed = false;

  before(async () => {
    [primaryPort, replicaPort, sentinelPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    // Each in a directory of the test's own: a replica writes the RDB it syncs from its primary.
    const server = (name: string) => {
      mkdirSync(join(dir, name));
      return [
        ...['--bind', '127.0.0.1', '--dir', join(dir, name), '--save', '', '--appendonly', 'no'],
        ...['--requirepass', REDIS_PASSWORD, '--masterauth', REDIS_PASSWORD],
        // Redis 7 syncs replicas diskless after a 5 s pause by default: longer than the
        // test's WAIT on a busy machine. No pause, and the test waits for the link below.
        ...['--repl-diskless-sync-delay', '0'],
      ];
    };
    servers.push(
      await startRedisServer(
        ['--port', String(primaryPort), ...server('primary')],
        primaryPort,
        REDIS_PASSWORD,
      ),
    );
    servers.push(
      await startRedisServer(
        [
          '--port',
          String(replicaPort),
          ...server('replica'),
          '--replicaof',
          '127.0.0.1',
          String(primaryPort),
        ],
        replicaPort,
        REDIS_PASSWORD,
      ),
    );
    // Sentinel rewrites its configuration file, so it gets one of its own.
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `requirepass ${SENTINEL_PASSWORD}`,
        `sentinel monitor ${PRIMARY_NAME} 127.0.0.1 ${primaryPort} 1`,
        `sentinel auth-pass ${PRIMARY_NAME} ${REDIS_PASSWORD}`,
        `sentinel down-after-milliseconds ${PRIMARY_NAME} 1000`,
        `sentinel failover-timeout ${PRIMARY_NAME} 10000`,
        '',
      ].join('\n'),
    );
    servers.push(await startRedisServer([conf, '--sentinel'], sentinelPort, SENTINEL_PASSWORD));
    sentinel = new Redis(sentinelPort, '127.0.0.1', { password: SENTINEL_PASSWORD });
    const replica = new Redis(replicaPort, '127.0.0.1', { password: REDIS_PASSWORD });
    try {
      await eventually(
        async () =>
          (await replica.info('replication')).includes('master_link_status:up') ? true : undefined,
        { timeoutMs: 20_000, what: 'the replica to finish its first sync' },
      );
    } finally {
      replica.disconnect();
    }
    // Failover needs the sentinel to have found the replica (INFO from the primary).
    await eventually(
      async () => {
        const replicas = (await sentinel.call('SENTINEL', 'REPLICAS', PRIMARY_NAME)) as unknown[];
        return replicas.length > 0 ? true : undefined;
      },
      { timeoutMs: 20_000, what: 'the sentinel to discover the replica' },
    );
    connections = await openConnections(
      testConfig({
        // Host and port of the URL are not used with sentinels; the db number is.
        REDIS_QUEUE_URL: `redis://:${REDIS_PASSWORD}@unused.invalid:1/${DB}`,
        REDIS_QUEUE_SENTINEL_PASSWORD: SENTINEL_PASSWORD,
        REDIS_QUEUE_SENTINELS: `127.0.0.1:${sentinelPort}`,
        REDIS_QUEUE_SENTINEL_NAME: PRIMARY_NAME,
      }),
    );
  });

  after(async () => {
    if (connections && !closed) await closeConnections(connections);
    sentinel?.disconnect();
    for (const server of servers.reverse()) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reaches the primary the sentinel names, and BullMQ queues and works jobs through it', async () => {
    for (const client of [connections.queueRedis, connections.queueProducer]) {
      expect(await whereConnected(client as Redis)).to.deep.equal({ port: primaryPort, db: DB });
    }
    const queue = new Queue('sentinel-jobs', { connection: connections.queueRedis });
    const done: unknown[] = [];
    const worker = new Worker('sentinel-jobs', async (job) => done.push(job.data), {
      connection: connections.queueRedis,
    });
    try {
      await queue.add('write', { n: 1 });
      await eventually(async () => (done.length === 1 ? true : undefined), {
        what: 'the job to be worked',
      });
      expect(done).to.deep.equal([{ n: 1 }]);
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('follows a failover to the new primary, with the data written before it', async () => {
    await connections.queueProducer.set('before-failover', 'kept');
    // The replica must have the key before it is promoted.
    expect(await connections.queueProducer.wait(1, 5000)).to.equal(1);
    await sentinel.call('SENTINEL', 'FAILOVER', PRIMARY_NAME);
    await eventually(
      async () => {
        const [, port] = (await sentinel.call(
          'SENTINEL',
          'GET-MASTER-ADDR-BY-NAME',
          PRIMARY_NAME,
        )) as string[];
        return Number(port) === replicaPort ? true : undefined;
      },
      { timeoutMs: 20_000, what: 'the sentinel to promote the replica' },
    );
    // The sentinel announces the switch; the client moves to the new primary.
    for (const client of [connections.queueRedis, connections.queueProducer]) {
      await eventually(
        () =>
          whereConnected(client as Redis).then(
            ({ port }) => (port === replicaPort ? true : undefined),
            () => undefined,
          ),
        // failoverDetector: at once on +switch-master (~1 s here; ~15 s without it).
        { timeoutMs: 8_000, what: 'the client to reach the new primary' },
      );
    }
    await connections.queueRedis.set('after-failover', 'written');
    expect(await connections.queueRedis.get('before-failover')).to.equal('kept');
    expect(await connections.queueRedis.get('after-failover')).to.equal('written');
  });

  it('closeConnections closes the failover detector’s subscriptions to the sentinel too', async () => {
    // ioredis's quit() alone leaves them open: they kept the process alive and, once
    // the sentinel stopped, printed an unhandled ECONNREFUSED every minute.
    const subscribers = async () =>
      String(await sentinel.call('CLIENT', 'LIST'))
        .split('\n')
        .filter((line) => / sub=[1-9]/.test(line)).length;
    expect(await subscribers(), 'one per client through the sentinel').to.equal(2);
    closed = true;
    await closeConnections(connections);
    await eventually(async () => ((await subscribers()) === 0 ? true : undefined), {
      timeoutMs: 5_000,
      what: 'no subscription to the sentinel left',
    });
  });
});
