import { expect } from 'chai';
import type { Listening } from '../../shared/infra/http/listen.js';
import { QUEUE_NAMES } from '../../shared/infra/queues/queue-names.js';
import { shardNamesOf } from '../../shared/infra/queues/queues.js';
import { http } from '../support/http.js';
import { basicAuthHeader, startOps } from '../support/ops.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { ON_REDIS_CLUSTER } from '../support/test-config.js';

/** §8: operators see every shard of every queue in Bull Board, and the metric sums them. */
describe('Bull Board and the queue-depth metric on a sharded cluster (spec §8)', () => {
  let pipeline: Pipeline;
  let ops: Listening;

  before(async () => {
    if (!ON_REDIS_CLUSTER) throw new Error('run with SPILLWAY_TEST_REDIS=cluster (npm test does)');
    pipeline = await startPipeline({ workers: false, config: { QUEUE_SHARDS: '3' } });
    ops = await startOps(pipeline);
  });
  after(async () => {
    await ops.close();
    await pipeline.stop();
  });

  it('lists each queue as its three shards, each its own hash tag', async () => {
    const { user, password } = pipeline.config.board;
    const api = await http('GET', `${ops.url}/admin/queues/api/queues`, {
      headers: basicAuthHeader(user, password),
    });
    expect(api.status).to.equal(200);
    const names = (api.body.queues as { name: string }[]).map((q) => q.name).sort();
    const shards = Object.values(QUEUE_NAMES).flatMap((queue) =>
      shardNamesOf(pipeline.config, queue),
    );
    expect(names).to.deep.equal(shards.sort());
    expect(names).to.include('{persist-users-2}');
  });

  it('reports waiting jobs per queue summed over its shards', async () => {
    const writes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        http('POST', `${pipeline.urls.users}/users`, { json: { name: `depth ${i}` } }),
      ),
    );
    expect(writes.every((w) => w.status === 202)).to.equal(true);
    const metrics = await http('GET', `${ops.url}/metrics`);
    const line = String(metrics.text)
      .split('\n')
      .find(
        (l) =>
          l.startsWith('spillway_queue_jobs{') &&
          l.includes('queue="persist-users"') &&
          l.includes('state="waiting"'),
      );
    expect(line, 'the persist-users waiting line').to.be.a('string');
    expect(Number(line?.split(' ').pop())).to.equal(12);
  });
});
