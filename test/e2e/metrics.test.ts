import { expect } from 'chai';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { parsePrometheusText, sumOf, type Sample } from '../support/prometheus.js';

describe('GET /metrics (Prometheus text)', () => {
  let pipeline: Pipeline;
  const scrape = async (): Promise<Sample[]> => {
    const answer = await http('GET', `${pipeline.urls.users}/metrics`);
    expect(answer.status).to.equal(200);
    expect(answer.headers['content-type']).to.match(/^text\/plain/);
    return parsePrometheusText(answer.text);
  };

  before(async () => {
    pipeline = await startPipeline();
  });
  after(() => pipeline.stop());

  it('parses as Prometheus text and includes process metrics', async () => {
    const samples = await scrape();
    expect(sumOf(samples, 'process_resident_memory_bytes')).to.be.greaterThan(0);
    expect(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).to.equal(true);
  });

  it('counts requests by route and status in the duration histogram', async () => {
    const labels = { route: '/users/:id', status: '404', method: 'GET' };
    const before = sumOf(await scrape(), 'spillway_http_request_duration_seconds_count', labels);
    await http('GET', `${pipeline.urls.users}/users/123456`);
    await http('GET', `${pipeline.urls.users}/users/123457`);
    const after = sumOf(await scrape(), 'spillway_http_request_duration_seconds_count', labels);
    expect(after - before).to.equal(2);
  });

  it('counts cache hits and misses', async () => {
    const before = await scrape();
    await http('GET', `${pipeline.urls.users}/users?page_size=7`);
    await http('GET', `${pipeline.urls.users}/users?page_size=7`);
    const after = await scrape();
    const delta = (result: string) =>
      sumOf(after, 'spillway_cache_reads_total', { collection: 'users', result }) -
      sumOf(before, 'spillway_cache_reads_total', { collection: 'users', result });
    expect(delta('miss')).to.equal(1);
    expect(delta('hit')).to.equal(1);
  });

  it('moves job duration and group-commit batch size when jobs run', async () => {
    const before = await scrape();
    await http('POST', `${pipeline.urls.users}/users`, {
      json: { name: 'metered' },
      headers: { Prefer: 'wait=10' },
    });
    const after = await eventually(async () => {
      const samples = await scrape();
      const jobs = sumOf(samples, 'spillway_job_duration_seconds_count', {
        queue: 'replicate',
        outcome: 'completed',
      });
      return jobs >
        sumOf(before, 'spillway_job_duration_seconds_count', {
          queue: 'replicate',
          outcome: 'completed',
        })
        ? samples
        : undefined;
    });
    const persisted = (s: Sample[]) =>
      sumOf(s, 'spillway_job_duration_seconds_count', {
        queue: 'persist-users',
        outcome: 'completed',
      });
    expect(persisted(after) - persisted(before)).to.equal(1);
    const batches = (s: Sample[]) =>
      sumOf(s, 'spillway_group_commit_batch_size_count', { queue: 'persist-users' });
    expect(batches(after) - batches(before)).to.equal(1);
  });

  it('observes the time from accept to persisted for intake queues, not for replication', async () => {
    const count = (s: Sample[], queue: string) =>
      sumOf(s, 'spillway_accept_to_persisted_seconds_count', { queue });
    const sum = (s: Sample[], queue: string) =>
      sumOf(s, 'spillway_accept_to_persisted_seconds_sum', { queue });
    const before = await scrape();
    const sentAt = Date.now();
    const created = await http('POST', `${pipeline.urls.users}/users`, {
      json: { name: 'timed' },
      headers: { Prefer: 'wait=10' },
    });
    expect(created.status).to.equal(201);
    const tookSeconds = (Date.now() - sentAt) / 1000;
    const after = await eventually(async () => {
      const samples = await scrape();
      return count(samples, 'persist-users') > count(before, 'persist-users') ? samples : undefined;
    });
    expect(count(after, 'persist-users') - count(before, 'persist-users')).to.equal(1);
    const observed = sum(after, 'persist-users') - sum(before, 'persist-users');
    // Accepted and persisted inside the request that waited for it.
    expect(observed).to.be.at.least(0).and.at.most(tookSeconds);
    expect(count(after, 'replicate')).to.equal(0);
  });

  it('counts the time a write waits in the queue, not only its processing', async () => {
    const count = (s: Sample[]) =>
      sumOf(s, 'spillway_accept_to_persisted_seconds_count', { queue: 'persist-users' });
    const sum = (s: Sample[]) =>
      sumOf(s, 'spillway_accept_to_persisted_seconds_sum', { queue: 'persist-users' });
    const before = await scrape();
    await pipeline.stopWorkers();
    const accepted = await http('POST', `${pipeline.urls.users}/users`, {
      json: { name: 'queued' },
    });
    expect(accepted.status).to.equal(202);
    // The write waits in the queue with no worker for this long: the time under test.
    const queuedMs = 600;
    await new Promise((resolve) => setTimeout(resolve, queuedMs));
    pipeline.startWorkers();
    const after = await eventually(async () => {
      const samples = await scrape();
      return count(samples) > count(before) ? samples : undefined;
    });
    expect(count(after) - count(before)).to.equal(1);
    expect(sum(after) - sum(before)).to.be.at.least(queuedMs / 1000);
  });

  it('reports queue depth per queue and state, read at scrape time', async () => {
    await pipeline.stopWorkers();
    await http('POST', `${pipeline.urls.listings}/listings`, {
      json: { user_id: 1, listing_type: 'rent', price: 5 },
    });
    const samples = await scrape();
    expect(
      sumOf(samples, 'spillway_queue_jobs', { queue: 'persist-listings', state: 'waiting' }),
    ).to.equal(1);
    for (const state of ['waiting', 'active', 'delayed', 'failed']) {
      expect(
        samples.some((s) => s.name === 'spillway_queue_jobs' && s.labels.state === state),
        state,
      ).to.equal(true);
    }
    pipeline.startWorkers();
  });
});
