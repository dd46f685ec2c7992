import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { expect } from 'chai';
import { createServiceApps, type ServiceApps } from '../../../api/create-apps.js';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../../shared/infra/process/connections.js';
import { listen, type Listening } from '../../../shared/infra/http/listen.js';
import { createLogger } from '../../../shared/infra/telemetry/logger.js';
import { eventually } from '../../support/eventually.js';
import { http } from '../../support/http.js';
import { startPipeline, type Pipeline } from '../../support/pipeline.js';
import { freePort, runEntry, type RunningProcess } from '../../support/processes.js';
import { testConfig, testEnv } from '../../support/test-config.js';

describe('doors: body size, driver errors, listening addresses', function () {
  this.timeout(60_000);

  describe('a body over the limit', () => {
    let pipeline: Pipeline;
    before(async () => {
      pipeline = await startPipeline({ workers: false });
    });
    after(async () => {
      await pipeline.stop();
    });

    it('is refused with 413 and a clear message, JSON or form, and nothing is enqueued', async () => {
      const big = 'x'.repeat(70 * 1024);
      const json = await http('POST', `${pipeline.urls.users}/users`, { json: { name: big } });
      expect(json.status).to.equal(413);
      expect(json.body).to.deep.include({
        result: false,
        errors: ['request body too large: at most 65536 bytes'],
      });
      const form = await http('POST', `${pipeline.urls.orders}/orders`, { form: { model: big } });
      expect(form.status).to.equal(413);
      const publicApi = await http('POST', `${pipeline.urls.public}/public-api/users`, {
        json: { name: big },
      });
      expect(publicApi.status).to.equal(413);
      const counts = await Promise.all(pipeline.apps.queues.map((q) => q.getWaitingCount()));
      expect(counts.every((n) => n === 0)).to.equal(true);
    });
  });

  describe('a database driver error', () => {
    let connections: Connections;
    let apps: ServiceApps;
    let server: Listening;
    let closedPort: number;

    before(async () => {
      closedPort = await freePort();
      // MySQL "down": the pool points at a port nobody listens on.
      const config = testConfig({
        MYSQL_URL: `mysql://spillway:spillway@127.0.0.1:${closedPort}/spillway_missing`,
      });
      connections = await openConnections(config);
      await connections.cacheRedis.flushdb();
      apps = await createServiceApps(
        config,
        connections,
        createLogger({ level: 'silent', name: 'test' }),
        {
          names: ['customers'],
        },
      );
      server = await listen(apps.app('customers'), config.services.customers, config.httpServer);
    });
    after(async () => {
      await server.close();
      await apps.close();
      await closeConnections(connections);
    });

    it('answers 500 with a generic message and the request id, never the driver text', async () => {
      const answer = await http(
        'GET',
        `${server.url}/customers/6f1c1c62-1d7e-4a38-9d3e-0f6c2b3a4d5e`,
        { headers: { 'X-Request-Id': 'driver-error-test' } },
      );
      expect(answer.status).to.equal(500);
      expect(answer.body).to.deep.include({
        result: false,
        errors: ['internal error (request id driver-error-test)'],
      });
      for (const leak of ['ECONNREFUSED', 'connect', String(closedPort), 'spillway_missing']) {
        expect(answer.text).not.to.include(leak);
      }
    });
  });

  describe('an internal service started with its default host', () => {
    let api: RunningProcess | undefined;
    after(async () => {
      await api?.stop('SIGKILL');
    });

    it('listens on 127.0.0.1 only', async () => {
      const port = await freePort();
      api = runEntry(
        'api/main.ts',
        ['--service', 'users'],
        testEnv({ USER_SERVICE_PORT: String(port) }),
      );
      const running = api;
      const line = await eventually(
        async () =>
          running
            .output()
            .split('\n')
            .find((l) => l.includes('"msg":"listening"')),
        { timeoutMs: 30_000, what: `the user service to listen\n${running.output()}` },
      );
      const logged = JSON.parse(line) as { address: { address: string; port: number } };
      expect(logged.address).to.include({ address: '127.0.0.1', port });
      expect((await http('GET', `http://127.0.0.1:${port}/health`)).status).to.equal(200);
      // If this machine has another IPv4 address, the service must not answer on it.
      const outside = Object.values(networkInterfaces())
        .flat()
        .find((nic) => nic && nic.family === 'IPv4' && !nic.internal);
      if (outside) {
        const refused = await new Promise<boolean>((resolve) => {
          const socket = connect({ host: outside.address, port });
          socket.once('connect', () => {
            socket.destroy();
            resolve(false);
          });
          socket.once('error', () => resolve(true));
        });
        expect(refused, `connection to ${outside.address}:${port}`).to.equal(true);
      }
      const exit = await running.stop('SIGTERM');
      expect(exit.code, running.output()).to.equal(0);
    });
  });
});
