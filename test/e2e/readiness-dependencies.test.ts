import { expect } from 'chai';
import type { ServiceName } from '../../config/index.js';
import { createServiceApps, type ServiceApps } from '../../api/create-apps.js';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../shared/infra/process/connections.js';
import { listen, type Listening } from '../../shared/infra/http/listen.js';
import { createLogger } from '../../shared/infra/telemetry/logger.js';
import { http } from '../support/http.js';
import { freePort, runEntry, type RunningProcess, untilHealthy } from '../support/processes.js';
import { testConfig, testEnv } from '../support/test-config.js';

/** MySQL "down": a URL on a port nobody listens on. */
const deadMysqlUrl = (port: number) =>
  `mysql://spillway:spillway@127.0.0.1:${port}/spillway_missing`;

const PROBE_TOKEN = 'readiness-probe-token-0123';

describe('GET /ready checks exactly what each process uses (MySQL down)', function () {
  this.timeout(60_000);

  describe('the services', () => {
    let connections: Connections;
    let apps: ServiceApps;
    const listening = new Map<ServiceName, Listening>();

    before(async () => {
      const config = testConfig({
        MYSQL_URL: deadMysqlUrl(await freePort()),
        // The public API's /ready answers only with the probe token (issue 31).
        PROBE_TOKEN,
      });
      connections = await openConnections(config);
      apps = await createServiceApps(
        config,
        connections,
        createLogger({ level: 'silent', name: 'test' }),
        { names: ['orders', 'public'] },
      );
      for (const name of ['orders', 'public'] as const)
        listening.set(name, await listen(apps.app(name), config.services[name], config.httpServer));
    });
    after(async () => {
      await Promise.all([...listening.values()].map((l) => l.close()));
      await apps?.close();
      if (connections) await closeConnections(connections);
    });

    const ready = (name: ServiceName) =>
      http('GET', `${listening.get(name)!.url}/ready`, {
        headers: { authorization: `Bearer ${PROBE_TOKEN}` },
      });

    it('orders live in Mongo: ready without MySQL, and MySQL is not among its checks', async () => {
      const answer = await ready('orders');
      expect(answer.status).to.equal(200);
      expect(answer.body.checks).to.deep.equal({
        redis_queue: 'up',
        redis_cache: 'up',
        mongo: 'up',
      });
    });

    it('the public API reaches users and listings over HTTP: only its Redis is checked', async () => {
      const answer = await ready('public');
      expect(answer.status).to.equal(200);
      expect(answer.body.checks).to.deep.equal({ redis_queue: 'up', redis_cache: 'up' });
    });
    // A service that reads MySQL turning 503 while it is down: test/e2e/readiness.test.ts.
  });

  describe("a worker process's probe", () => {
    let worker: RunningProcess | undefined;
    afterEach(async () => {
      await worker?.stop('SIGKILL');
      worker = undefined;
    });

    async function probeOf(queues: string, mysqlPort: number): Promise<string> {
      const port = await freePort();
      worker = runEntry(
        'workers/main.ts',
        [],
        testEnv({
          WORKER_QUEUES: queues,
          WORKER_OPS_PORT: String(port),
          MYSQL_URL: deadMysqlUrl(mysqlPort),
        }),
      );
      const running = worker;
      const probe = `http://127.0.0.1:${port}`;
      await untilHealthy(probe, {
        timeoutMs: 30_000,
        what: `the worker probe to answer\n${running.output()}`,
      });
      return probe;
    }

    it('is not ready while a store it writes (MySQL, for persist-users) does not answer', async () => {
      const probe = await probeOf('persist-users', await freePort());
      const answer = await http('GET', `${probe}/ready`);
      expect(answer.status).to.equal(503);
      expect(answer.body.checks).to.include({ mysql: 'down', redis_queue: 'up' });
    });

    it('is ready without MySQL when it writes only Mongo (persist-orders)', async () => {
      const probe = await probeOf('persist-orders', await freePort());
      const answer = await http('GET', `${probe}/ready`);
      expect(answer.status).to.equal(200);
      expect(answer.body.checks).to.deep.equal({
        redis_queue: 'up',
        redis_cache: 'up',
        mongo: 'up',
      });
    });
  });
});
