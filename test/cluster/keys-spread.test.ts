import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { queueShardNames } from '../../shared/infra/redis/redis-keys.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { deleteKeysMatching, keysPerMaster, masterOfKey } from '../support/redis-cluster.js';
import { CACHE_CLUSTER_PORTS, QUEUE_CLUSTER_PORTS } from '../support/redis-cluster-topology.js';
import { ON_REDIS_CLUSTER } from '../support/test-config.js';

const QUEUE_SEED = QUEUE_CLUSTER_PORTS[0] ?? 7300;
const CACHE_SEED = CACHE_CLUSTER_PORTS[0] ?? 7400;

/** Keys under `prefix` in every db of a single Redis server. */
async function keysOnSingleServer(port: number, prefix: string): Promise<number> {
  const redis = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let found = 0;
    for (let db = 0; db < 16; db += 1) {
      await redis.select(db);
      found += (await redis.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 100_000))[1].length;
    }
    return found;
  } finally {
    redis.disconnect();
  }
}

/**
 * §8, "keys that spread": with QUEUE_SHARDS=16, one resource type's queue is 16
 * BullMQ queues with a hash tag each, so its keys land on every master; the
 * other families (ids, idempotency, cache) carry tags of their own; and the
 * single-node Redis servers are not written at all.
 */
describe('Redis Cluster: the keys of a run spread over every master (spec §8)', function () {
  this.timeout(60_000);
  let pipeline: Pipeline;
  // A prefix of its own, so what is counted is this run's keys only.
  const prefix = `spillway-spread-${randomUUID().slice(0, 8)}`;

  before(async function () {
    if (!ON_REDIS_CLUSTER) throw new Error('run with SPILLWAY_TEST_REDIS=cluster (npm test does)');
    pipeline = await startPipeline({
      config: { QUEUE_SHARDS: '16', QUEUE_PREFIX: prefix, CACHE_PREFIX: prefix },
    });
  });
  after(async () => {
    await pipeline.stop();
    await deleteKeysMatching(QUEUE_SEED, `${prefix}:*`);
    await deleteKeysMatching(CACHE_SEED, `${prefix}:*`);
  });

  it('puts the 16 shards of one queue on all three masters, and its writes in them', async () => {
    const writes = await Promise.all(
      Array.from({ length: 160 }, (_, i) =>
        http('POST', `${pipeline.urls.users}/users`, {
          json: { name: `spread ${i}` },
          headers: { 'Idempotency-Key': `spread-${i}` },
        }),
      ),
    );
    expect(writes.map((w) => w.status).every((s) => s === 202)).to.equal(true);
    await http('GET', `${pipeline.urls.users}/users?page_size=5`);
    await http('GET', `${pipeline.urls.listings}/listings?page_size=5`);

    const shards = queueShardNames(prefix, 'persist-users', 16);
    const mastersOfShards = new Set(
      await Promise.all(
        shards.map(async (shard) => (await masterOfKey(QUEUE_SEED, `${prefix}:${shard}:id`)).port),
      ),
    );
    expect(mastersOfShards.size, 'masters holding a persist-users shard').to.equal(3);

    const perMaster = await keysPerMaster(QUEUE_SEED, `${prefix}:*`);
    console.log(`      queue keys per master: ${JSON.stringify([...perMaster])}`);
    expect(perMaster.size).to.equal(3);
    for (const [port, count] of perMaster) {
      expect(count, `queue keys on master ${port}`).to.be.greaterThan(10);
    }
    // Idempotency records are one tag each: 160 of them are on every master too.
    const records = await keysPerMaster(QUEUE_SEED, `${prefix}:idempotency:*`);
    for (const [port, count] of records) {
      expect(count, `idempotency records on ${port}`).to.be.greaterThan(20);
    }
    const cached = await keysPerMaster(CACHE_SEED, `${prefix}:*`);
    expect([...cached.values()].reduce((a, b) => a + b, 0)).to.be.greaterThan(0);
  });

  it('writes nothing to the single-node queue and cache Redis', async () => {
    expect(await keysOnSingleServer(6379, prefix)).to.equal(0);
    expect(await keysOnSingleServer(6380, prefix)).to.equal(0);
  });
});
