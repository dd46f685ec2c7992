import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Cluster, Redis } from 'ioredis';
import { testSlot } from '../../../config/test-slot.js';
import {
  CACHE_CLUSTER_NODES,
  CACHE_CLUSTER_PORTS,
  QUEUE_CLUSTER_NODES,
  QUEUE_CLUSTER_PORTS,
  clusterMasters,
  clusterNodes,
  deleteKeysMatching,
  failoverMasterOf,
  keysPerMaster,
  killMasterOf,
  masterOfKey,
  restartClusterNode,
  startClusters,
  waitClusterHealthy,
  type ClusterMaster,
} from '../../support/redis-cluster.js';

const QUEUE_SEED = QUEUE_CLUSTER_PORTS[0] ?? 7300;
const CACHE_SEED = CACHE_CLUSTER_PORTS[0] ?? 7400;

/** Every slot 0..16383 owned by exactly one master. */
function expectAllSlotsOnce(masters: readonly ClusterMaster[]): void {
  const ranges = [...masters.flatMap((m) => m.slots)].sort((a, b) => a[0] - b[0]);
  let next = 0;
  for (const [first, last] of ranges) {
    expect(first, 'slot ranges are contiguous and disjoint').to.equal(next);
    next = last + 1;
  }
  expect(next).to.equal(16384);
}

/** Node id → role and master, the identity a no-op start must leave unchanged. */
async function layout(seedPort: number): Promise<Record<string, string>> {
  const nodes = await clusterNodes(seedPort);
  return Object.fromEntries(
    nodes.map((n) => [n.id, `${n.port} ${n.role} ${n.masterId ?? '-'}`] as const),
  );
}

function onPort(port: number): Redis {
  return new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1 });
}

describe('local Redis Clusters (scripts/services.sh cluster)', function () {
  this.timeout(180_000);
  // The clusters are shared by every test run on the machine: this run's keys only.
  const prefix = `test:${testSlot()}:redis-cluster:${randomUUID()}:`;

  before(async () => {
    await startClusters();
  });

  after(async () => {
    await deleteKeysMatching(QUEUE_SEED, `${prefix}*`);
    await deleteKeysMatching(CACHE_SEED, `${prefix}*`);
    // A failed test may have left a node killed: the next runs need every master replicated.
    await startClusters();
    await waitClusterHealthy(QUEUE_SEED, 'the queue cluster, left healthy');
  });

  it('seed strings name the six queue nodes and the three cache nodes', () => {
    expect(QUEUE_CLUSTER_NODES).to.equal(
      '127.0.0.1:7300,127.0.0.1:7301,127.0.0.1:7302,127.0.0.1:7303,127.0.0.1:7304,127.0.0.1:7305',
    );
    expect(CACHE_CLUSTER_NODES).to.equal('127.0.0.1:7400,127.0.0.1:7401,127.0.0.1:7402');
  });

  it('the queue cluster has 3 masters, each with one replica, covering all 16384 slots', async () => {
    const masters = await clusterMasters(QUEUE_SEED);
    expect(masters).to.have.length(3);
    for (const master of masters) expect(master.replicas, `${master.port}`).to.have.length(1);
    expectAllSlotsOnce(masters);
    const ports = masters.flatMap((m) => [m.port, ...m.replicas.map((r) => r.port)]);
    expect(ports.sort((a, b) => a - b)).to.deep.equal([...QUEUE_CLUSTER_PORTS]);
  });

  it('the cache cluster has 3 masters and no replicas, covering all 16384 slots', async () => {
    const masters = await clusterMasters(CACHE_SEED);
    expect(masters.map((m) => m.port).sort((a, b) => a - b)).to.deep.equal([
      ...CACHE_CLUSTER_PORTS,
    ]);
    for (const master of masters) expect(master.replicas).to.have.length(0);
    expectAllSlotsOnce(masters);
    const node = onPort(CACHE_SEED);
    try {
      expect(await node.config('GET', 'maxmemory-policy')).to.deep.equal([
        'maxmemory-policy',
        'allkeys-lru',
      ]);
    } finally {
      node.disconnect();
    }
  });

  it('starting again is a fast no-op: node ids and roles stay as they were', async () => {
    const before = { queue: await layout(QUEUE_SEED), cache: await layout(CACHE_SEED) };
    const { output, ms } = await startClusters();
    expect(output).to.include('redis cluster (queue) already on');
    expect(output).to.include('redis cluster (cache) already on');
    expect(ms).to.be.below(2_000);
    expect({ queue: await layout(QUEUE_SEED), cache: await layout(CACHE_SEED) }).to.deep.equal(
      before,
    );
  });

  it('keysPerMaster counts a prefix per master; deleteKeysMatching empties only it', async () => {
    const client = new Cluster([{ host: '127.0.0.1', port: QUEUE_SEED }]);
    const other = `${prefix}other:kept`;
    try {
      for (let i = 0; i < 60; i += 1) await client.set(`${prefix}spread:${i}`, String(i));
      await client.set(other, 'kept');
      const counts = await keysPerMaster(QUEUE_SEED, `${prefix}spread:*`);
      expect([...counts.values()].reduce((a, b) => a + b, 0)).to.equal(60);
      expect(counts.size).to.equal(3);
      for (const [port, count] of counts) expect(count, `keys on ${port}`).to.be.above(0);
      expect(await deleteKeysMatching(QUEUE_SEED, `${prefix}spread:*`)).to.equal(60);
      const after = await keysPerMaster(QUEUE_SEED, `${prefix}spread:*`);
      expect([...after.values()]).to.deep.equal([0, 0, 0]);
      expect(await client.get(other)).to.equal('kept');
    } finally {
      client.disconnect();
    }
  });

  it('failoverMasterOf swaps master and replica; what was written is read after', async () => {
    const key = `${prefix}failover`;
    const client = new Cluster([{ host: '127.0.0.1', port: QUEUE_SEED }]);
    try {
      await client.set(key, 'before the failover');
      const { oldPort, newPort } = await failoverMasterOf(QUEUE_SEED, key);
      expect(newPort).to.not.equal(oldPort);
      const master = await masterOfKey(QUEUE_SEED, key);
      expect(master.port).to.equal(newPort);
      expect(master.replicas.map((r) => r.port)).to.deep.equal([oldPort]);
      expect(await client.get(key)).to.equal('before the failover');
    } finally {
      client.disconnect();
    }
  });

  it('killMasterOf promotes the replica with the replicated write; the restarted node rejoins as its replica', async () => {
    const key = `${prefix}killed`;
    const master = await masterOfKey(QUEUE_SEED, key);
    const writer = onPort(master.port);
    try {
      await writer.set(key, 'acknowledged by a replica');
      expect(await writer.wait(1, 1000), 'replicas that acknowledged the write').to.equal(1);
    } finally {
      writer.disconnect();
    }
    const { oldPort, newPort } = await killMasterOf(QUEUE_SEED, key);
    expect(oldPort).to.equal(master.port);
    const reader = onPort(newPort);
    try {
      expect(await reader.get(key)).to.equal('acknowledged by a replica');
    } finally {
      reader.disconnect();
    }
    await restartClusterNode(oldPort);
    const after = await masterOfKey(QUEUE_SEED, key);
    expect(after.port).to.equal(newPort);
    expect(after.replicas.map((r) => r.port)).to.deep.equal([oldPort]);
    const masters = await clusterMasters(QUEUE_SEED);
    for (const m of masters) expect(m.replicas, `${m.port}`).to.have.length(1);
  });
});
