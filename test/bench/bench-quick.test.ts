import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEntry } from '../support/processes.js';
import { testConfig } from '../support/test-config.js';

/**
 * `bench/run.ts --quick` still works end to end: what `npm run bench -- --quick`
 * runs after scripts/bench.sh has installed and started what it needs (npm test
 * has done that already). No timing assertions: the numbers depend on the
 * machine; only that every scenario ran and was saved.
 */
/** The CPU a run counted (bench/lib/cpu.ts): µs per request or job by process group, and the machine's busy share. */
interface CpuFields {
  perUnit: Record<string, number>;
  machineBusy: number;
}

describe('bench/run.ts --quick', function () {
  this.timeout(300_000);
  let out: string;

  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'spillway-bench-'));
  });
  after(() => rm(out, { recursive: true, force: true }));

  it('runs every scenario on the test slot stores and writes the JSON and the SVG chart', async () => {
    const config = testConfig();
    const bench = runEntry('bench/run.ts', ['--quick', '--out', out], {
      BENCH_MYSQL_URL: config.mysql.url,
      BENCH_MONGO_URL: config.mongo.url,
      BENCH_REDIS_QUEUE_URL: config.redis.queueUrl,
      BENCH_REDIS_CACHE_URL: config.redis.cacheUrl,
    });
    const exit = await new Promise<number | null>((resolve) =>
      bench.child.once('exit', (code) => resolve(code)),
    );
    expect(exit, bench.output()).to.equal(0);

    const results = JSON.parse(await readFile(join(out, 'latest.json'), 'utf8')) as {
      mode: string;
      http: Record<string, { rps: number; cpu?: CpuFields }>;
      drain: Record<string, { jobs: number; mysqlJobsPerSec: number; cpu?: CpuFields }>;
      visibility: { samples: number };
      redis: { bytesPerJob: number };
      goals: { name: string; value: number; met: boolean }[];
    };
    expect(results.mode).to.equal('quick');
    expect(Object.keys(results.http)).to.have.members([
      'ceiling',
      'accept',
      'sync',
      'cachedPage',
      'uncachedPage',
      'cachedUser',
      'uncachedUser',
      'apiRss',
    ]);
    for (const name of ['ceiling', 'accept', 'sync', 'cachedPage', 'uncachedPage']) {
      expect(results.http[name]?.rps, name).to.be.greaterThan(0);
      // Where each request's CPU went: the server under test and autocannon itself.
      const cpu = results.http[name]?.cpu;
      expect(cpu?.perUnit.server, name).to.be.greaterThan(0);
      expect(cpu?.perUnit.loadGenerator, name).to.be.greaterThan(0);
      expect(cpu?.machineBusy, name).to.be.within(0.01, 1);
    }
    // The test slot's Redis runs on this machine: the accept path's enqueue shows there.
    expect(results.http.accept?.cpu?.perUnit.redis).to.be.greaterThan(0);
    expect(Object.keys(results.drain)).to.have.members([
      'grouped',
      'oneByOne',
      'pipeline',
      'ceiling',
    ]);
    for (const name of ['grouped', 'oneByOne', 'pipeline', 'ceiling']) {
      const cpu = results.drain[name]?.cpu;
      expect(cpu?.perUnit.workers, name).to.be.greaterThan(0);
      expect(cpu?.perUnit.redis, name).to.be.greaterThan(0);
      expect(cpu?.machineBusy, name).to.be.within(0.01, 1);
    }
    expect(results.drain.grouped?.jobs).to.equal(10_000);
    expect(results.drain.pipeline?.jobs).to.equal(10_000);
    expect(results.visibility.samples).to.be.greaterThan(0);
    expect(results.redis.bytesPerJob).to.be.greaterThan(0);
    // Issue 5's 13, the steady state's (issue 28 item 5) and the two costs per unit (items 3 and 2).
    expect(results.goals.map((g) => g.name).slice(-3)).to.deep.equal([
      'steady bulk → MySQL + Mongo / bullmq ceiling',
      'API CPU / single write',
      'drained job CPU / empty job',
    ]);
    expect(results.goals).to.have.length(16);
    for (const g of results.goals.slice(-2)) expect(g.value, g.name).to.be.greaterThan(0);
    expect(bench.output()).to.include('goals met');

    const svg = await readFile(join(out, 'latest.svg'), 'utf8');
    expect(svg).to.match(/^<svg/);
    expect(svg).to.include('accept POST /listings');
    expect(svg).to.include('BullMQ ceiling');
  });
});
