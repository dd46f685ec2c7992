import { expect } from 'chai';
import { createMetrics } from '../../../../../../shared/infra/telemetry/metrics/metrics.js';

const down = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
const hung = () => new Promise<never>(() => {});
const up = () => Promise.resolve();

describe('a process registry when the queue Redis is down (shared/infra/telemetry/metrics/metrics.ts)', function () {
  this.timeout(10_000);

  for (const [how, queueDepth] of [
    ['refuses connections', down],
    ['does not answer', hung],
  ] as const) {
    it(`still answers a scrape when the queue Redis ${how}, with spillway_ready saying so`, async () => {
      const metrics = createMetrics({
        process: 'api',
        queueDepth,
        readiness: () => ({ redis_queue: queueDepth, mysql: up }),
      });
      const text = await metrics.registry.metrics();
      expect(text).to.include('spillway_ready{dependency="redis_queue",process="api"} 0');
      expect(text).to.include('spillway_ready{dependency="mysql",process="api"} 1');
      // No depth is better than a stale or made-up one.
      expect(text).not.to.match(/^spillway_queue_jobs\{/m);
    });
  }

  it('reports queue depth per queue and state while it answers', async () => {
    const metrics = createMetrics({
      process: 'workers',
      queueDepth: async () => ({ 'persist-users': { waiting: 3, failed: 1 } }),
    });
    const text = await metrics.registry.metrics();
    expect(text).to.include(
      'spillway_queue_jobs{queue="persist-users",state="waiting",process="workers"} 3',
    );
    expect(text).to.include(
      'spillway_queue_jobs{queue="persist-users",state="failed",process="workers"} 1',
    );
  });
});
