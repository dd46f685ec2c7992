import type { HttpResults } from '../scenarios/http.js';
import type { DrainResults, DrainRun } from '../scenarios/drain.js';
import type { VisibilityResult } from '../scenarios/visibility.js';
import type { HttpRun } from './load.js';
import { boundNote, countedCpu, fmt, renderCpuTables } from './cpu-report.js';
import { renderSteadyTable, STEADY_GOAL, type SteadyResults } from './steady-report.js';

export interface BenchResults {
  readonly when: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly node: string };
  readonly mode: 'quick' | 'full';
  readonly http: HttpResults;
  readonly drain: DrainResults;
  readonly visibility: VisibilityResult;
  /** The steady state: writes in and stored at once, against BullMQ's own steady ceiling (issue 28 item 5). */
  readonly steady?: SteadyResults;
  readonly redis: { jobs: number; bytes: number; bytesPerJob: number; usedMemoryPerJob: number };
}

export interface Goal {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** 'min': value must be ≥ target; 'max': value must be ≤ target. */
  readonly kind: 'min' | 'max';
  readonly target: number;
  readonly met: boolean;
  /** Why the goal is not met although the value alone would meet it. */
  readonly note?: string;
}

/** The visibility goal holds at a rate: below 95 % of the rate asked, the run did not test it. */
const MIN_TAKEN_SHARE = 0.95;

function visibilityGoal(v: VisibilityResult): Goal {
  const byLatency = goal('visibility p99', v.p99, 'max', 250, 'ms');
  if (v.background.rps >= MIN_TAKEN_SHARE * v.targetRps) return byLatency;
  return {
    ...byLatency,
    met: false,
    note: `the API took ${v.background.rps.toFixed(0)} of the ${v.targetRps} writes/s asked`,
  };
}

function goal(name: string, value: number, kind: 'min' | 'max', target: number, unit = '×'): Goal {
  const met = Number.isFinite(value) && (kind === 'min' ? value >= target : value <= target);
  return { name, value, unit, kind, target, met };
}

/** A ratio to the ceiling; when unmet, says what full cores would allow at the run's cost per request. */
function ceilingGoal(name: string, run: HttpRun, r: BenchResults): Goal {
  const ceiling = r.http.ceiling.rps;
  const byRatio = goal(name, run.rps / ceiling, 'min', 0.6);
  const note = byRatio.met ? undefined : boundNote(run.rps, ceiling, run.cpu, 'request');
  return note ? { ...byRatio, note } : byRatio;
}

/** The drain into MySQL against BullMQ's ceiling; when unmet, says what full cores would allow at its cost per job. */
function drainGoal(r: BenchResults): Goal {
  const { grouped, ceiling } = r.drain;
  const rate = grouped.mysqlJobsPerSec;
  const byRatio = goal('drain / bullmq ceiling', rate / ceiling.mysqlJobsPerSec, 'min', 0.8);
  const note = byRatio.met
    ? undefined
    : boundNote(rate, ceiling.mysqlJobsPerSec, grouped.cpu, 'job');
  return note ? { ...byRatio, note } : byRatio;
}

/**
 * Bulk in through HTTP, stored in MySQL and Mongo, against BullMQ's addBulk +
 * one worker, in the same run (issue 28 item 5): counted among the goals.
 */
export function steadyGoal(s: SteadyResults): Goal {
  const { bulk, bulkCeiling } = s;
  const byRatio = goal(
    'steady bulk → MySQL + Mongo / bullmq ceiling',
    bulk.writesPerSec / bulkCeiling.writesPerSec,
    'min',
    STEADY_GOAL,
  );
  if (byRatio.met || !bulk.cpu) return byRatio;
  return {
    ...byRatio,
    note: `machine ${fmt(bulk.cpu.machineBusy * 100)} % busy; counted CPU µs per write ${fmt(countedCpu(bulk.cpu))} against the ceiling's ${bulkCeiling.cpu ? fmt(countedCpu(bulkCeiling.cpu)) : '—'}`,
  };
}

/** API CPU per accepted single write, from the accept scenario's best round (issue 28 item 3). */
function singleWriteCpuGoal(r: BenchResults): Goal {
  return goal(
    'API CPU / single write',
    r.http.accept.cpu?.perUnit.server ?? Number.NaN,
    'max',
    90,
    'µs',
  );
}

/**
 * Worker + Redis CPU per job of the group-commit drain against BullMQ's empty
 * job in the same run (issue 28 item 2): what a drained job costs beyond the queue's own.
 */
function drainedJobCpuGoal(r: BenchResults): Goal {
  const perJob = (run: DrainRun) =>
    run.cpu ? run.cpu.perUnit.workers + run.cpu.perUnit.redis : Number.NaN;
  const { grouped, ceiling } = r.drain;
  const byRatio = goal(
    'drained job CPU / empty job',
    perJob(grouped) / perJob(ceiling),
    'max',
    1.1,
  );
  if (byRatio.met || !grouped.cpu || !ceiling.cpu) return byRatio;
  return {
    ...byRatio,
    note: `workers + Redis µs per job ${fmt(perJob(grouped))} against the empty job's ${fmt(perJob(ceiling))}`,
  };
}

/** The goals of issue 5 and issue 28, each with its measured value. */
export function evaluateGoals(r: BenchResults): Goal[] {
  const { http, drain } = r;
  return [
    ceilingGoal('accept / ceiling', http.accept, r),
    goal('accept / sync', http.accept.rps / http.sync.rps, 'min', 5),
    goal('p99 sync / accept', http.sync.p99 / Math.max(http.accept.p99, 1), 'min', 5),
    drainGoal(r),
    goal(
      'drain / one-by-one',
      drain.grouped.mysqlJobsPerSec / drain.oneByOne.mysqlJobsPerSec,
      'min',
      2.5,
    ),
    goal(
      'drain+mongo / ceiling',
      drain.pipeline.mongoJobsPerSec / drain.ceiling.mysqlJobsPerSec,
      'min',
      0.5,
    ),
    ceilingGoal('cached page / ceiling', http.cachedPage, r),
    ceilingGoal('cached user / ceiling', http.cachedUser, r),
    goal('cached / uncached page', http.cachedPage.rps / http.uncachedPage.rps, 'min', 2),
    goal('cached / uncached user', http.cachedUser.rps / http.uncachedUser.rps, 'min', 2),
    visibilityGoal(r.visibility),
    goal(
      'API RSS under load',
      Math.max(http.apiRss.hwmMb, http.apiRss.maxSampledMb),
      'max',
      200,
      'MB',
    ),
    goal('Redis bytes / waiting job', r.redis.bytesPerJob, 'max', 1024, 'B'),
    ...(r.steady ? [steadyGoal(r.steady)] : []),
    singleWriteCpuGoal(r),
    drainedJobCpuGoal(r),
  ];
}

/** The printed report: measurements, then ratios against the goals (met / NOT met). */
export function renderTable(r: BenchResults, goals: readonly Goal[]): string {
  const { http, drain } = r;
  const lines = [
    `Spillway benchmark (${r.mode}) ${r.when} — ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}`,
    '',
    '| scenario | throughput | p50 ms | p99 ms |',
    '|---|---:|---:|---:|',
  ];
  const httpRow = (label: string, run: { rps: number; p50: number; p99: number }) =>
    lines.push(`| ${label} | ${fmt(run.rps)} req/s | ${fmt(run.p50, 1)} | ${fmt(run.p99, 1)} |`);
  httpRow('ceiling (bare Koa)', http.ceiling);
  httpRow('accept POST /listings (202)', http.accept);
  httpRow('sync baseline (MySQL + Mongo, 201)', http.sync);
  httpRow('cached GET /listings?page_num=1', http.cachedPage);
  httpRow('uncached GET /listings?page_num=1', http.uncachedPage);
  httpRow('cached GET /users/1', http.cachedUser);
  httpRow('uncached GET /users/1', http.uncachedUser);
  const drainRow = (label: string, run: DrainRun, mongo: boolean) =>
    lines.push(
      `| ${label} | ${fmt(mongo ? run.mongoJobsPerSec : run.mysqlJobsPerSec)} jobs/s (${run.jobs} in ${fmt(mongo ? run.mongoSeconds : run.mysqlSeconds, 1)} s) | | |`,
    );
  drainRow('drain → MySQL, group commit (persist pool)', drain.grouped, false);
  drainRow('drain → MySQL, one commit per job (persist pool)', drain.oneByOne, false);
  drainRow('drain → MySQL, whole pipeline (two worker pools)', drain.pipeline, false);
  drainRow('drain → MySQL + Mongo replica, whole pipeline', drain.pipeline, true);
  drainRow('BullMQ ceiling (empty jobs)', drain.ceiling, false);
  const v = r.visibility;
  lines.push(
    // A saturated machine answers more slowly than the load generator's connections send.
    `| visibility 202 → readable, ${v.targetRps} req/s asked, ${fmt(v.background.rps)} taken | ${v.samples} samples | ${fmt(v.p50, 1)} | ${fmt(v.p99, 1)} |`,
    '',
    ...renderCpuTables(http, [
      ['group commit → MySQL', drain.grouped],
      ['one commit per job → MySQL', drain.oneByOne],
      ['whole pipeline → MySQL + Mongo', drain.pipeline],
      ['BullMQ ceiling (empty jobs)', drain.ceiling],
    ]),
  );
  if (r.steady) lines.push('', ...renderSteadyTable(r.steady, http.sync.rps));
  lines.push('', '| goal | measured | target | |', '|---|---:|---:|---|');
  for (const g of goals) {
    const digits = g.unit === '×' ? 2 : 0;
    lines.push(
      `| ${g.name} | ${fmt(g.value, digits)} ${g.unit} | ${g.kind === 'min' ? '≥' : '≤'} ${g.target} ${g.unit} | ${g.met ? 'met' : 'NOT met'}${g.note ? ` (${g.note})` : ''} |`,
    );
  }
  const met = goals.filter((g) => g.met).length;
  lines.push('', `${met} of ${goals.length} goals met.`);
  return lines.join('\n');
}
