import { expect } from 'chai';
import { createServiceApps, type ServiceApps } from '../../api/create-apps.js';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../shared/infra/process/connections.js';
import { listen, type Listening } from '../../shared/infra/http/listen.js';
import { createLogger } from '../../shared/infra/telemetry/logger.js';
import { http } from '../support/http.js';
import { testConfig } from '../support/test-config.js';

const PROBE_TOKEN = 'probe-token-0123456789abcdef';

describe('what each listener exposes (issue 31 item 1): /metrics and /ready off the internet-facing port', () => {
  let connections: Connections;
  const running: { apps: ServiceApps; listening: Listening[] }[] = [];

  /** The public API and the user service, built as production builds them, with `env`. */
  async function start(env: Record<string, string>) {
    const config = testConfig(env);
    const apps = await createServiceApps(
      config,
      connections,
      createLogger({ level: 'silent', name: 'test-edge' }),
      { names: ['public', 'users'] },
    );
    const edge = await listen(apps.app('public'), config.services.public, config.httpServer);
    const internal = await listen(apps.app('users'), config.services.users, config.httpServer);
    running.push({ apps, listening: [edge, internal] });
    return { edge: edge.url, internal: internal.url };
  }

  before(async () => {
    connections = await openConnections(testConfig());
  });
  after(async () => {
    for (const { apps, listening } of running) {
      await Promise.all(listening.map((l) => l.close()));
      await apps.close();
    }
    await closeConnections(connections);
  });

  it('the public API answers /health and its docs, but neither /metrics nor /ready (404, undocumented)', async () => {
    const { edge, internal } = await start({});
    expect((await http('GET', `${edge}/health`)).status).to.equal(200);
    for (const path of ['/metrics', '/ready']) {
      const answer = await http('GET', `${edge}${path}`);
      expect(answer.status, path).to.equal(404);
      expect(answer.text, path).to.not.match(/spillway_|redis_queue|mysql/);
    }
    const document = (await http('GET', `${edge}/api/openapi.json`)).body as {
      paths: Record<string, unknown>;
    };
    expect(document.paths).to.not.have.any.keys('/metrics', '/ready');
    expect(document.paths).to.include.keys('/health', '/public-api/listings');
    // An internal listener keeps both.
    expect((await http('GET', `${internal}/metrics`)).text).to.include('spillway_');
    expect((await http('GET', `${internal}/ready`)).status).to.equal(200);
  });

  it('with PROBE_TOKEN, they answer a caller that presents it, and only that caller', async () => {
    const { edge } = await start({ PROBE_TOKEN });
    const bearer = { authorization: `Bearer ${PROBE_TOKEN}` };
    for (const path of ['/metrics', '/ready']) {
      expect((await http('GET', `${edge}${path}`)).status, path).to.equal(404);
      const wrong = { authorization: `Bearer ${PROBE_TOKEN}x` };
      expect((await http('GET', `${edge}${path}`, { headers: wrong })).status, path).to.equal(404);
      expect((await http('GET', `${edge}${path}`, { headers: bearer })).status, path).to.equal(200);
    }
  });

  it('INTERNET_FACING_SERVICES can name more services; the rest stay internal', async () => {
    const { edge, internal } = await start({ INTERNET_FACING_SERVICES: 'public,users' });
    expect((await http('GET', `${edge}/metrics`)).status).to.equal(404);
    expect((await http('GET', `${internal}/metrics`)).status).to.equal(404);
    expect((await http('GET', `${internal}/health`)).status).to.equal(200);
  });
});
