import { expect } from 'chai';
import {
  evaluateGoals,
  machineBound,
  renderTable,
  type BenchResults,
} from '../../../bench/lib/report.js';
import type { HttpRun } from '../../../bench/lib/load.js';

function run(name: string, rps: number, cpu?: HttpRun['cpu']): HttpRun {
  return {
    name,
    rps,
    p50: 5,
    p99: 20,
    ok: rps * 10,
    non2xx: 0,
    errors: 0,
    seconds: 10,
    ...(cpu ? { cpu } : {}),
  };
}

const drainRun = (name: string, rate: number) => ({
  name,
  jobs: 100_000,
  mysqlSeconds: 100_000 / rate,
  mongoSeconds: 100_000 / rate,
  mysqlJobsPerSec: rate,
  mongoJobsPerSec: rate,
});

function results(accept: HttpRun): BenchResults {
  return {
    when: '2026-11-24T00:00:00.000Z',
    machine: { cpus: 2, cpuModel: 'test', node: 'v20' },
    mode: 'full',
    http: {
      ceiling: run('ceiling', 20_000, { server: 50, redis: 0, loadGenerator: 50 }),
      accept,
      sync: run('sync', 1_000),
      cachedPage: run('cached-page', 14_000, { server: 70, redis: 10, loadGenerator: 50 }),
      uncachedPage: run('uncached-page', 4_000),
      cachedUser: run('cached-user', 15_000, { server: 65, redis: 10, loadGenerator: 50 }),
      uncachedUser: run('uncached-user', 4_000),
      apiRss: { hwmMb: 150, maxSampledMb: 140 },
    },
    drain: {
      grouped: drainRun('group-commit', 8_000),
      oneByOne: drainRun('one-by-one', 2_000),
      pipeline: drainRun('pipeline', 6_000),
      ceiling: drainRun('bullmq-ceiling', 10_000),
    },
    visibility: {
      targetRps: 1_000,
      samples: 50,
      p50: 20,
      p99: 100,
      background: run('visibility-load', 1_000),
    },
    redis: { jobs: 1_000, bytes: 600_000, bytesPerJob: 600, usedMemoryPerJob: 650 },
  } as unknown as BenchResults;
}

describe('bench report: what the cores allow', () => {
  it('bounds a scenario by all cores over its CPU per request (server + Redis + load generator)', () => {
    const accept = run('accept', 6_000, { server: 170, redis: 40, loadGenerator: 40 });
    expect(machineBound(accept, 2)).to.equal(8_000);
  });

  it('leaves a missing Redis share out of the sum rather than making the bound unknown', () => {
    const accept = run('accept', 6_000, { server: 160, redis: Number.NaN, loadGenerator: 40 });
    expect(machineBound(accept, 2)).to.equal(10_000);
  });

  it('says, under an unmet ratio to the ceiling, how far the cores would let it go', () => {
    const accept = run('accept', 6_000, { server: 170, redis: 40, loadGenerator: 40 });
    const goal = evaluateGoals(results(accept)).find((g) => g.name === 'accept / ceiling');
    expect(goal?.met).to.equal(false);
    expect(goal?.note).to.equal(
      'at 250 µs of CPU per request (server 170, Redis 40, load generator 40) 2 cores allow at most 8000 req/s = 0.40 × ceiling',
    );
  });

  it('adds no note to a met goal, nor to a run whose CPU was not measured', () => {
    const goals = evaluateGoals(results(run('accept', 6_000)));
    expect(goals.find((g) => g.name === 'accept / ceiling')?.note).to.equal(undefined);
    const cachedPage = goals.find((g) => g.name === 'cached page / ceiling');
    expect(cachedPage?.met).to.equal(true);
    expect(cachedPage?.note).to.equal(undefined);
  });

  it('prints each measured scenario with its CPU per request and the bound', () => {
    const accept = run('accept', 6_000, { server: 170, redis: 40, loadGenerator: 40 });
    const r = results(accept);
    const table = renderTable(r, evaluateGoals(r));
    expect(table).to.include('| accept POST /listings | 170 | 40 | 40 | 250 | 8000 req/s |');
    expect(table).to.include('| ceiling (bare Koa) | 50 | 0 | 50 | 100 | 20000 req/s |');
  });

  it('says, under an unmet drain goal, what the cores allow at its CPU per job', () => {
    const r = results(run('accept', 6_000));
    const grouped = {
      ...r.drain.grouped,
      mysqlJobsPerSec: 7_000,
      cpu: { perUnit: { workers: 110, redis: 80, mysql: 10 }, machineBusy: 0.875 },
    };
    const withCpu = { ...r, drain: { ...r.drain, grouped } } as BenchResults;
    const goal = evaluateGoals(withCpu).find((g) => g.name === 'drain / bullmq ceiling');
    expect(goal?.met).to.equal(false);
    expect(goal?.note).to.equal(
      'at 200 µs of CPU per job (workers 110, Redis 80, MySQL 10; machine 88 % busy) 2 cores allow at most 10000 jobs/s = 1.00 × ceiling',
    );
    expect(renderTable(withCpu, evaluateGoals(withCpu))).to.include(
      '| group commit → MySQL | 110 | 80 | 10 | 200 | 88 % | 10000 jobs/s |',
    );
  });
});
