import { expect } from 'chai';
import { createMetrics } from '../../shared/infra/telemetry/metrics/metrics.js';
import { QUEUE_NAMES } from '../../shared/infra/queues/queue-names.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { parsePrometheusText, sumOf } from '../support/prometheus.js';
import { startWorkersWithoutMysql } from '../support/workers-without-mysql.js';

describe('spillway_jobs_failed_total: jobs that failed for good (the SpillwayJobsFailed alert)', () => {
  let pipeline: Pipeline;

  before(async () => {
    pipeline = await startPipeline({
      workers: false,
      config: { JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '50' },
    });
  });
  after(() => pipeline.stop());

  it('starts at 0 for each queue a worker consumes, and counts a job once when its last attempt fails', async () => {
    // Workers whose MySQL is unreachable: each attempt of the write fails.
    const metrics = createMetrics({ process: 'workers' });
    const broken = startWorkersWithoutMysql(pipeline, { metrics });
    const samples = async () => parsePrometheusText(await metrics.registry.metrics());
    const failedForGood = { queue: QUEUE_NAMES.persistUsers };
    try {
      const exported = await samples();
      expect(exported.some((s) => s.name === 'spillway_jobs_failed_total')).to.equal(true);
      expect(sumOf(exported, 'spillway_jobs_failed_total', failedForGood)).to.equal(0);

      await http('POST', `${pipeline.urls.users}/users`, { json: { name: 'Doomed' } });
      const queue = pipeline.apps.queues.find((q) => q.name === QUEUE_NAMES.persistUsers)!;
      await eventually(
        async () => ((await queue.getJobCounts('failed')).failed === 1 ? true : undefined),
        { what: 'the job to use up its two attempts' },
      );
      const after = await eventually(async () => {
        const now = await samples();
        return sumOf(now, 'spillway_job_duration_seconds_count', {
          ...failedForGood,
          outcome: 'failed',
        }) === 2
          ? now
          : undefined;
      });
      // Two failed attempts, one job failed for good.
      expect(sumOf(after, 'spillway_jobs_failed_total', failedForGood)).to.equal(1);
    } finally {
      await broken.close();
    }
  });
});
