import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../shared/infra/process/connections.js';
import { http } from '../support/http.js';
import { freePort, runEntry, type RunningProcess, untilHealthy } from '../support/processes.js';
import { resetStores } from '../support/stores.js';
import { testConfig, testEnv } from '../support/test-config.js';

describe('one service per process (--service NAME) and SIGTERM', () => {
  let connections: Connections;
  const running: RunningProcess[] = [];

  before(async () => {
    connections = await openConnections(testConfig());
    await resetStores(connections);
  });
  after(async () => {
    await Promise.all(running.map((p) => p.stop('SIGKILL')));
    await closeConnections(connections);
  });

  it('runs the listing service alone and the workers apart, and both exit 0 on SIGTERM', async function () {
    this.timeout(60_000);
    const [listingPort, userPort] = [await freePort(), await freePort()];
    const env = testEnv({
      LISTING_SERVICE_PORT: String(listingPort),
      USER_SERVICE_PORT: String(userPort),
      SHUTDOWN_TIMEOUT_MS: '8000',
    });
    const api = runEntry('api/main.ts', ['--service', 'listings'], env);
    const workers = runEntry('workers/main.ts', [], env);
    running.push(api, workers);
    const base = `http://127.0.0.1:${listingPort}`;
    await untilHealthy(base, {
      timeoutMs: 20_000,
      what: `the listing service to listen\n${api.output()}`,
    });
    const userPortRefused = await http('GET', `http://127.0.0.1:${userPort}/health`).then(
      () => false,
      () => true,
    );
    expect(
      userPortRefused,
      'the user service must not run in a --service listings process',
    ).to.equal(true);

    const created = await http('POST', `${base}/listings`, {
      json: { user_id: 1, listing_type: 'rent', price: 99 },
      headers: { Prefer: 'wait=15', 'X-Request-Id': 'trace-me-123' },
    });
    expect(created.status).to.equal(201);
    expect(created.headers['x-request-id']).to.equal('trace-me-123');
    const [rows] = await connections.mysql.query<RowDataPacket[]>(
      'SELECT price FROM listings WHERE id = ?',
      [created.body.listing.id],
    );
    expect(rows[0]?.price).to.equal(99);

    const apiExit = await api.stop('SIGTERM');
    const workersExit = await workers.stop('SIGTERM');
    expect(apiExit.code, api.output()).to.equal(0);
    expect(workersExit.code, workers.output()).to.equal(0);
    expect(apiExit.ms).to.be.below(8000);
    expect(workersExit.ms).to.be.below(8000);
    // One request id follows the write: the API's access log line and the worker's persist line.
    const linesWith = (output: string) =>
      output.split('\n').filter((line) => line.includes('"requestId":"trace-me-123"'));
    expect(linesWith(api.output()).some((line) => line.includes('"msg":"request"'))).to.equal(true);
    expect(
      linesWith(workers.output()).some((line) => line.includes('"msg":"write persisted"')),
    ).to.equal(true);
    expect(
      linesWith(workers.output()).some((line) => line.includes('"msg":"change replicated"')),
    ).to.equal(true);
  });

  it('refuses to start with a bad configuration value, naming the variable', async function () {
    this.timeout(20_000);
    const api = runEntry('api/main.ts', [], testEnv({ MYSQL_POOL_SIZE: 'lots' }));
    running.push(api);
    const exit = await new Promise<number | null>((resolve) => api.child.once('exit', resolve));
    expect(exit).to.not.equal(0);
    expect(api.output()).to.include('MYSQL_POOL_SIZE');
  });
});
