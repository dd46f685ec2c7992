import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../shared/infra/process/connections.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { freePort, runEntry, type RunningProcess, untilHealthy } from '../support/processes.js';
import { resetStores } from '../support/stores.js';
import { testConfig, testEnv } from '../support/test-config.js';

describe('SIGTERM during a stream of writes (spec §5)', function () {
  this.timeout(120_000);
  let connections: Connections;
  const started: RunningProcess[] = [];

  before(async () => {
    connections = await openConnections(testConfig());
    await resetStores(connections);
  });
  after(async () => {
    await Promise.all(started.map((p) => p.stop('SIGKILL')));
    await closeConnections(connections);
  });

  it('loses no acknowledged write, and both processes exit 0 within the deadline', async () => {
    const port = await freePort();
    const env = testEnv({
      USER_SERVICE_PORT: String(port),
      SHUTDOWN_TIMEOUT_MS: '10000',
      LOG_LEVEL: 'warn',
    });
    const api = runEntry('api/main.ts', ['--service', 'users'], env);
    let workers = runEntry('workers/main.ts', [], env);
    started.push(api, workers);
    const base = `http://127.0.0.1:${port}`;
    await untilHealthy(base, {
      timeoutMs: 20_000,
      what: 'the API to listen',
    });

    const acknowledged = new Set<number>();
    let stopWriting = false;
    const writer = async (n: number) => {
      for (let i = 0; !stopWriting; i += 1) {
        const answer = await http('POST', `${base}/users`, { json: { name: `w${n}-${i}` } }).catch(
          () => undefined,
        );
        if (!answer) return; // the API has closed its port
        if (answer.status === 202) acknowledged.add(answer.body.user.id);
      }
    };
    const writers = Array.from({ length: 16 }, (_, n) => writer(n));

    // Observed, not slept: the workers stop once writes are being acknowledged, and the
    // API once it has acknowledged more with the workers gone, so both stop mid-stream.
    const acknowledgedAtLeast = (count: number, what: string) =>
      eventually(async () => (acknowledged.size >= count ? true : undefined), {
        timeoutMs: 30_000,
        what,
      });
    await acknowledgedAtLeast(100, '100 acknowledged writes');
    const workersExit = await workers.stop('SIGTERM');
    await acknowledgedAtLeast(
      acknowledged.size + 50,
      '50 writes acknowledged with the workers gone',
    );
    const apiExit = await api.stop('SIGTERM');
    stopWriting = true;
    await Promise.all(writers);

    expect(workersExit.code, workers.output()).to.equal(0);
    expect(apiExit.code, api.output()).to.equal(0);
    expect(workersExit.ms).to.be.below(10_000);
    expect(apiExit.ms).to.be.below(10_000);
    expect(acknowledged.size).to.be.greaterThan(100);

    workers = runEntry('workers/main.ts', [], env);
    started.push(workers);
    const ids = [...acknowledged];
    const stored = await eventually(
      async () => {
        const [rows] = await connections.mysql.query<RowDataPacket[]>(
          'SELECT id FROM users WHERE id IN (?)',
          [ids],
        );
        return rows.length === ids.length ? rows : undefined;
      },
      { timeoutMs: 60_000, what: `all ${ids.length} acknowledged writes in MySQL` },
    );
    const lost = ids.filter((id) => !stored.some((row) => row.id === id));
    console.log(`      accepted ${ids.length} / persisted ${stored.length} / lost ${lost.length}`);
    expect(lost).to.deep.equal([]);
  });
});
