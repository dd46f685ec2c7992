import { expect } from 'chai';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../shared/infra/process/connections.js';
import { startChaosCluster, type ChaosCluster } from '../support/chaos-cluster.js';
import { eventually } from '../support/eventually.js';
import { startLoad, statusesBetween } from '../support/load.js';
import { startPrivateFerretdb, type PrivateFerretdb } from '../support/private-ferretdb.js';
import { startPrivateMariadb, type PrivateMariadb } from '../support/private-mariadb.js';
import { expectExact, reconcile } from '../support/reconcile.js';
import { resetStores } from '../support/stores.js';
import { testConfig } from '../support/test-config.js';

const OUTAGE_MS = 10_000;
/** Writes answered before the outage, during it, and after it, at the least. */
const BEFORE = 300;
const DURING = 500;
const AFTER = 300;

/**
 * Writes stream in, paced; the store goes down for 10 s of that. Every step
 * waits on what the load has seen, not on a sleep: the store stops once writes
 * are flowing, comes back once it has been down 10 s and at least DURING writes
 * sent in that time were answered, and the load stops once AFTER more were.
 * Every write sent during the outage must still be answered 202, and once the
 * store is back every acknowledged write must be in MySQL and Mongo exactly once.
 */
async function writeThroughOutage(
  label: string,
  cluster: ChaosCluster,
  connections: Connections,
  store: { stop(): Promise<void>; start(): Promise<void> },
): Promise<void> {
  // 150 writes a second at most; `total` only caps a run that never reaches its counts.
  const load = startLoad({ ...cluster, total: 9000, concurrency: 32, durationMs: 60_000 });
  const answered = (count: number, from: number, what: string, minMs = 0) =>
    eventually(
      async () =>
        Date.now() - from >= minMs && load.answeredSentSince(from) >= count ? true : undefined,
      { timeoutMs: 40_000, intervalMs: 50, what },
    );
  await answered(BEFORE, 0, `${BEFORE} writes answered before the outage`);
  const downAt = Date.now();
  await store.stop();
  await answered(DURING, downAt, `${DURING} writes answered during the outage`, OUTAGE_MS);
  await store.start();
  const upAt = Date.now();
  await answered(AFTER, upAt, `${AFTER} writes answered after the outage`);
  load.stop();
  const result = await load.done;
  const loadDoneAt = Date.now();

  const during = statusesBetween(result, downAt, upAt);
  console.log(
    `      [${label}] answers to writes sent during the outage: ${JSON.stringify(during)}`,
  );
  expect(Object.keys(during)).to.deep.equal(['202']);
  expect(during['202']).to.be.at.least(DURING);
  const reconciled = await reconcile(connections, result, { label });
  console.log(
    `      [${label}] store down ${upAt - downAt} ms; backlog drained ${Date.now() - loadDoneAt} ms after the last write`,
  );
  expectExact(reconciled);
  expect(result.outcomes.every((o) => o.status === 202)).to.equal(true);
  expect(reconciled.mysql.accepted).to.equal(result.outcomes.length);
  cluster.expectAlive();
}

describe('chaos: a database stops for 10 s under load (spec §5)', function () {
  this.timeout(150_000);
  let cluster: ChaosCluster | undefined;
  afterEach(async () => {
    await cluster?.destroy();
    cluster = undefined;
  });

  describe('MariaDB (a private server, so the shared one keeps running)', () => {
    let mariadb: PrivateMariadb;
    let connections: Connections;
    before(async function () {
      this.timeout(60_000);
      mariadb = await startPrivateMariadb();
      connections = await openConnections(testConfig({ MYSQL_URL: mariadb.url }));
      await resetStores(connections);
    });
    after(async () => {
      await closeConnections(connections);
      await mariadb.destroy();
    });

    it('keeps answering 202, then stores every acknowledged write once', async () => {
      cluster = await startChaosCluster({ MYSQL_URL: mariadb.url });
      await writeThroughOutage('MariaDB down 10 s', cluster, connections, mariadb);
    });
  });

  describe('FerretDB (a private server on its own SQLite directory)', () => {
    let ferretdb: PrivateFerretdb;
    let connections: Connections;
    before(async () => {
      ferretdb = await startPrivateFerretdb();
      connections = await openConnections(
        testConfig({ MONGO_URL: ferretdb.url('spillway_chaos') }),
      );
      await resetStores(connections);
    });
    after(async () => {
      await closeConnections(connections);
      await ferretdb.destroy();
    });

    it('keeps answering 202, then stores every acknowledged write once', async () => {
      cluster = await startChaosCluster({ MONGO_URL: ferretdb.url('spillway_chaos') });
      await writeThroughOutage('FerretDB down 10 s', cluster, connections, ferretdb);
    });
  });
});
