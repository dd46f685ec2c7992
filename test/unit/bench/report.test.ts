import { expect } from 'chai';
import { busyBound } from '../../../bench/lib/cpu-report.js';
import type { CpuCount, HttpCpuGroup } from '../../../bench/lib/cpu.js';
import type { HttpRun } from '../../../bench/lib/load.js';
import { evaluateGoals, renderTable, type BenchResults } from '../../../bench/lib/report.js';
import type { DrainRun } from '../../../bench/scenarios/drain.js';

function run(name: string, rps: number, cpu?: CpuCount<HttpCpuGroup>): HttpRun {
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

const httpCpu = (server: number, redis: number, loadGenerator: number, machineBusy: number) => ({
  perUnit: { server, redis, loadGenerator },
  machineBusy,
});

function drainRun(name: string, rate: number, cpu?: DrainRun['cpu']): DrainRun {
  return {
    name,
    jobs: 100_000,
    mysqlSeconds: 100_000 / rate,
    mongoSeconds: Number.NaN,
    mysqlJobsPerSec: rate,
    mongoJobsPerSec: Number.NaN,
    ...(cpu ? { cpu } : {}),
  };
}

function results(
  accept: HttpRun,
  grouped: DrainRun = drainRun('group-commit', 9_000),
): BenchResults {
  return {
    when: '2026-11-24T00:00:00.000Z',
    machine: { cpus: 2, cpuModel: 'test', node: 'v20' },
    mode: 'full',
    http: {
      ceiling: run('ceiling', 20_000, httpCpu(50, 0, 40, 0.9)),
      accept,
      sync: run('sync', 1_000),
      cachedPage: run('cached-page', 14_000, httpCpu(70, 10, 50, 0.8)),
      uncachedPage: run('uncached-page', 4_000),
      cachedUser: run('cached-user', 15_000, httpCpu(65, 10, 50, 0.8)),
      uncachedUser: run('uncached-user', 4_000),
      apiRss: { hwmMb: 150, maxSampledMb: 140 },
    },
    drain: {
      grouped,
      oneByOne: drainRun('one-by-one', 2_000),
      pipeline: { ...drainRun('pipeline', 6_000), mongoSeconds: 20, mongoJobsPerSec: 5_000 },
      ceiling: drainRun('bullmq-ceiling', 10_000),
    },
    visibility: {
      targetRps: 1_000,
      samples: 50,
      p50: 20,
      p99: 100,
      max: 150,
      background: run('visibility-load', 1_000),
    },
    redis: { jobs: 1_000, bytes: 600_000, bytesPerJob: 600, usedMemoryPerJob: 650 },
  };
}

describe('bench report: what full cores would allow', () => {
  it("bounds a run by its rate over the machine's busy share, charging every busy cycle to it", () => {
    expect(busyBound(6_000, httpCpu(170, 40, 40, 0.75))).to.equal(8_000);
  });

  it('gives no bound for a run whose CPU was not counted or that kept the machine idle', () => {
    expect(busyBound(6_000, undefined)).to.be.NaN;
    expect(busyBound(6_000, httpCpu(0, 0, 0, 0))).to.be.NaN;
  });

  it('says, under an unmet ratio to the ceiling, where the CPU went and how far full cores would go', () => {
    const accept = run('accept', 6_000, httpCpu(170, 40, 40, 0.75));
    const goal = evaluateGoals(results(accept)).find((g) => g.name === 'accept / ceiling');
    expect(goal?.met).to.equal(false);
    expect(goal?.note).to.equal(
      "at this run's cost per request (µs: server 170, redis 40, loadGenerator 40; machine 75 % busy) all cores would allow ~8000 requests/s = 0.40 × ceiling",
    );
  });

  it('adds no note to a met goal, nor to a run whose CPU was not counted', () => {
    const goals = evaluateGoals(results(run('accept', 6_000)));
    const accept = goals.find((g) => g.name === 'accept / ceiling');
    expect(accept?.met).to.equal(false);
    expect(accept?.note).to.equal(undefined);
    const cachedPage = goals.find((g) => g.name === 'cached page / ceiling');
    expect(cachedPage?.met).to.equal(true);
    expect(cachedPage?.note).to.equal(undefined);
  });

  it('says, under an unmet drain goal, what full cores would allow at its cost per job', () => {
    const grouped = drainRun('group-commit', 7_000, {
      perUnit: { workers: 110, redis: 80, mysql: 10 },
      machineBusy: 0.875,
    });
    const r = results(run('accept', 6_000), grouped);
    const goal = evaluateGoals(r).find((g) => g.name === 'drain / bullmq ceiling');
    expect(goal?.met).to.equal(false);
    expect(goal?.note).to.equal(
      "at this run's cost per job (µs: workers 110, redis 80, mysql 10; machine 88 % busy) all cores would allow ~8000 jobs/s = 0.80 × ceiling",
    );
    expect(renderTable(r, evaluateGoals(r))).to.include(
      '| group commit → MySQL | 110 | 80 | 10 | 200 | 88 % | ~8000 jobs/s |',
    );
  });

  it('prints each counted HTTP run with its CPU per request, and "—" for a share not measured', () => {
    const accept = run('accept', 6_000, httpCpu(170, Number.NaN, 40, 0.75));
    const r = results(accept);
    const table = renderTable(r, evaluateGoals(r));
    expect(table).to.include('| accept POST /listings | 170 | — | 40 | 210 | 75 % | ~8000 req/s |');
    expect(table).to.include('| ceiling (bare Koa) | 50 | 0 | 40 | 90 | 90 % | ~22222 req/s |');
  });
});
