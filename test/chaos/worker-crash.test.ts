import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../shared/infra/process/connections.js';
import { startChaosCluster, type ChaosCluster } from '../support/chaos-cluster.js';
import { eventually } from '../support/eventually.js';
import { startLoad } from '../support/load.js';
import { expectExact, reconcile } from '../support/reconcile.js';
import { resetStores } from '../support/stores.js';
import { testConfig } from '../support/test-config.js';

/** Rows in MySQL for users and listings together. */
async function persistedRows(connections: Connections): Promise<number> {
  const [rows] = await connections.mysql.query<RowDataPacket[]>(
    'SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM listings) AS n',
  );
  return Number(rows[0]?.n ?? 0);
}

describe('chaos: worker processes die or compete (spec §5)', function () {
  this.timeout(150_000);
  let connections: Connections;
  let cluster: ChaosCluster | undefined;

  before(async () => {
    connections = await openConnections(testConfig());
  });
  beforeEach(() => resetStores(connections));
  afterEach(async () => {
    await cluster?.destroy();
    cluster = undefined;
  });
  after(() => closeConnections(connections));

  it('a worker kill -9d while a backlog drains loses and doubles nothing once restarted', async () => {
    // A killed worker's jobs come back after ~10 s instead of 30 s, so the suite stays short.
    // (Much shorter locks lapse on a starved CPU and fail jobs as stalled.)
    // Small batches, so the 2,000 writes take many commits and the kill lands between them
    // (at the default concurrency a worker can take the whole backlog in one round).
    cluster = await startChaosCluster(
      { WORKER_LOCK_MS: '10000', WORKER_CONCURRENCY: '50', GROUP_COMMIT_MAX_BATCH: '50' },
      { workers: 0 },
    );
    // A backlog first, so the worker is in the middle of group commits when it dies.
    const backlog = await startLoad({ ...cluster, total: 2000, concurrency: 32 }).done;
    expect(backlog.acknowledged.users.length + backlog.acknowledged.listings.length).to.equal(2000);

    const worker = cluster.startWorker();
    const rowsAtKill = await eventually(
      async () => {
        const rows = await persistedRows(connections);
        return rows > 0 ? rows : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 10, what: 'the worker to commit its first batch' },
    );
    const killed = await worker.stop('SIGKILL');
    expect(killed.code).to.equal(null); // killed by the signal, not exited
    console.log(`      killed the worker with ${rowsAtKill} of 2000 rows committed`);
    expect(rowsAtKill).to.be.below(2000);

    cluster.startWorker();
    const result = await reconcile(connections, backlog, { label: 'kill -9 worker' });
    expectExact(result);
    expect(result.mysql.accepted).to.equal(2000);
    cluster.expectAlive();
  });

  it('two worker processes competing for the same queues store each write once', async () => {
    cluster = await startChaosCluster({ GROUP_COMMIT_MAX_BATCH: '50' }, { workers: 2 });
    const load = await startLoad({ ...cluster, total: 3000, concurrency: 40 }).done;
    const result = await reconcile(connections, load, { label: 'two workers' });
    expectExact(result);
    expect(result.mysql.accepted).to.equal(3000);
    cluster.expectAlive();
  });
});
