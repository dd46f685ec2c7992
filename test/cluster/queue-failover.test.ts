import { expect } from 'chai';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../shared/infra/process/connections.js';
import { queueShardNames } from '../../shared/infra/redis/redis-keys.js';
import { startChaosCluster, type ChaosCluster } from '../support/chaos-cluster.js';
import { startLoad, type LoadResult } from '../support/load.js';
import { reconcile } from '../support/reconcile.js';
import {
  failoverMasterOf,
  killMasterOf,
  restartClusterNode,
  waitClusterHealthy,
} from '../support/redis-cluster.js';
import { QUEUE_CLUSTER_PORTS } from '../support/redis-cluster-topology.js';
import { resetStores } from '../support/stores.js';
import { ON_REDIS_CLUSTER, testConfig } from '../support/test-config.js';

const SEED = QUEUE_CLUSTER_PORTS[0] ?? 7300;

/** The longest stretch (ms) in which no write was acknowledged, from the first answer to the last. */
function longestSilence(result: LoadResult): number {
  const acked = result.outcomes
    .filter((o) => o.status >= 200 && o.status < 300)
    .map((o) => o.answeredAt)
    .sort((a, b) => a - b);
  let longest = 0;
  for (let i = 1; i < acked.length; i += 1) {
    longest = Math.max(longest, (acked[i] ?? 0) - (acked[i - 1] ?? 0));
  }
  return longest;
}

/**
 * §8: a queue master fails over (CLUSTER FAILOVER, then a kill -9) while real
 * API and worker processes take a steady stream of writes. A write is
 * acknowledged only once a replica holds its job, so the replica that takes
 * over has every acknowledged job: each ends up exactly once in MySQL and
 * Mongo. Writes the API could not confirm are answered 503, never 202.
 */
describe('chaos: a queue Redis Cluster master fails over under load (spec §8)', function () {
  this.timeout(240_000);
  let connections: Connections;
  let cluster: ChaosCluster | undefined;
  const config = testConfig({ QUEUE_SHARDS: '3' });
  const [usersShard0 = '', usersShard1 = ''] = queueShardNames(
    config.queue.prefix,
    'persist-users',
    3,
  );

  before(async function () {
    if (!ON_REDIS_CLUSTER) throw new Error('run with SPILLWAY_TEST_REDIS=cluster (npm test does)');
    await waitClusterHealthy(SEED, 'the queue cluster before the chaos test');
    connections = await openConnections(config);
    await resetStores(connections, config);
  });
  afterEach(async () => {
    await cluster?.destroy();
    cluster = undefined;
  });
  after(async () => {
    await closeConnections(connections);
  });

  it('loses and doubles no acknowledged write, answers the rest 503, and resumes within seconds', async () => {
    cluster = await startChaosCluster(
      { QUEUE_SHARDS: '3', WORKER_LOCK_MS: '10000', REDIS_QUEUE_WAIT_TIMEOUT_MS: '1000' },
      { workers: 1 },
    );
    const load = startLoad({ ...cluster, total: 6000, concurrency: 16, durationMs: 30_000 });
    const answeredAtLeast = async (n: number) => {
      while (load.answered() < n) await new Promise((resolve) => setTimeout(resolve, 50));
    };

    await answeredAtLeast(1000);
    const switched = await failoverMasterOf(SEED, `${config.queue.prefix}:${usersShard0}:id`);
    console.log(`      CLUSTER FAILOVER: ${switched.oldPort} → ${switched.newPort}`);

    await answeredAtLeast(load.answered() + 1000);
    const killed = await killMasterOf(SEED, `${config.queue.prefix}:${usersShard1}:id`);
    console.log(`      kill -9 of ${killed.oldPort}; ${killed.newPort} promoted`);
    // Back as a replica (as the services script brings it), so the new master's writes
    // can be confirmed again.
    await restartClusterNode(killed.oldPort);

    const result = await load.done;
    const statuses: Record<string, number> = {};
    for (const o of result.outcomes) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
    console.log(`      answers: ${JSON.stringify(statuses)}`);
    const silence = longestSilence(result);
    console.log(`      longest stretch with no write acknowledged: ${silence} ms`);

    const figures = await reconcile(connections, result, { label: 'queue master failover' });
    if (figures.mongo.lost > 0 || figures.mysql.lost > 0) {
      console.log('API output:\n' + cluster.api.output().slice(-6000));
      for (const w of cluster.workers) console.log('worker output:\n' + w.output().slice(-6000));
    }
    const refused = (statuses['503'] ?? 0) + result.unanswered;
    for (const store of [figures.mysql, figures.mongo]) {
      expect(store.lost, 'acknowledged writes lost').to.equal(0);
      expect(store.duplicated, 'writes stored twice').to.equal(0);
      // A 503 after its job reached the primary may still be stored: never more than those.
      expect(store.unacknowledged).to.be.at.most(refused);
    }
    expect(figures.mysql.accepted).to.be.greaterThan(4000);
    expect(Object.keys(statuses).every((s) => ['201', '202', '503'].includes(s))).to.equal(
      true,
      'every write is acknowledged or refused with 503',
    );
    expect(silence, 'writes resume within seconds').to.be.below(10_000);
    cluster.expectAlive();
  });
});
