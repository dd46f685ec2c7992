import { expect } from 'chai';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../shared/infra/process/connections.js';
import { startChaosCluster, type ChaosCluster } from '../support/chaos-cluster.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { mergeLoads, startLoad } from '../support/load.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';
import { expectExact, reconcile } from '../support/reconcile.js';
import { resetStores } from '../support/stores.js';
import { testConfig } from '../support/test-config.js';

describe('chaos: the queue Redis restarts with jobs waiting (spec §5)', function () {
  this.timeout(120_000);
  let redis: PrivateRedis;
  let connections: Connections;
  let cluster: ChaosCluster | undefined;

  before(async () => {
    redis = await startPrivateRedis();
    connections = await openConnections(testConfig({ REDIS_QUEUE_URL: redis.url }));
    // This test's own connection sees the restart too; it only reconnects.
    connections.queueRedis.on('error', () => undefined);
    await resetStores(connections);
  });
  after(async () => {
    await cluster?.destroy();
    await closeConnections(connections);
    await redis.destroy();
  });

  it('keeps every waiting job across the restart (AOF, fsync always) and answers 503 at once while it is down', async () => {
    cluster = await startChaosCluster({ REDIS_QUEUE_URL: redis.url }, { workers: 0 });
    const accepted = await startLoad({ ...cluster, total: 2000, concurrency: 32 }).done;
    expect(accepted.acknowledged.users.length + accepted.acknowledged.listings.length).to.equal(
      2000,
    );

    await redis.stop();
    const whileDown = await startLoad({ ...cluster, total: 40, concurrency: 8, timeoutMs: 5000 })
      .done;
    const statuses = whileDown.outcomes.map((o) => o.status);
    const slowest = Math.max(...whileDown.outcomes.map((o) => o.answeredAt - o.sentAt));
    console.log(
      `      writes while the queue Redis is down: ${JSON.stringify(
        Object.fromEntries(
          [...new Set(statuses)].map((s) => [s, statuses.filter((x) => x === s).length]),
        ),
      )}, slowest answer ${slowest} ms`,
    );
    expect([...new Set(statuses)]).to.deep.equal([503]);
    expect(slowest).to.be.below(1000);

    await redis.start();
    // The API takes writes again as soon as its producer connection is back.
    const probe = cluster.usersUrl;
    await eventually(
      async () =>
        (await http('GET', `${probe}/ready`).catch(() => undefined))?.status === 200
          ? true
          : undefined,
      { timeoutMs: 10_000, what: 'the API to be ready again' },
    );
    const afterRestart = await startLoad({ ...cluster, total: 200, concurrency: 16 }).done;
    expect(afterRestart.outcomes.filter((o) => o.status !== 202)).to.deep.equal([]);

    cluster.startWorker();
    const all = mergeLoads(mergeLoads(accepted, whileDown), afterRestart);
    const result = await reconcile(connections, all, {
      label: 'queue Redis restart',
    });
    expectExact(result);
    expect(result.mysql.accepted).to.equal(2200);
    // Nothing answered 503 was stored.
    expect(result.mysql.unacknowledged).to.equal(0);
    cluster.expectAlive();
  });
});
