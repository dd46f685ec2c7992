import type { DrainRun } from '../scenarios/drain.js';
import type { HttpResults } from '../scenarios/http.js';
import type { CpuCount } from './cpu.js';
import type { HttpRun } from './load.js';

/** A number for a log line or table cell: rounded, or "—" when it was not measured. */
export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

/** "server 162, redis 38, …": µs per unit by process group. */
function perGroup(count: CpuCount<string>): string {
  return Object.entries(count.perUnit)
    .map(([name, us]) => `${name} ${fmt(us)}`)
    .join(', ');
}

/** One log line of where a run's CPU went. */
export function describeCpu(count: CpuCount<string>, unit: string): string {
  return `CPU µs/${unit}: ${perGroup(count)}; machine ${fmt(count.machineBusy * 100)} % busy`;
}

/** µs of CPU per unit of work summed over the counted processes (a group not measured counts 0). */
export function countedCpu<Group extends string>(count: CpuCount<Group>): number {
  return (Object.values(count.perUnit) as number[]).reduce(
    (sum, us) => sum + (Number.isFinite(us) ? us : 0),
    0,
  );
}

/**
 * The rate a run would reach with every core busy, at the run's own cost per
 * unit: its rate over the share of the machine it kept busy. Every busy cycle
 * counts (the counted processes, the kernel's network work, anything else), so
 * the cost is never under-counted. It holds only at this run's cost per unit,
 * which changes with the rate (batching, the load generator) and with the code.
 */
export function busyBound(rate: number, count: CpuCount<string> | undefined): number {
  return count && count.machineBusy > 0 ? rate / count.machineBusy : Number.NaN;
}

/** Under an unmet ratio to a ceiling: where the CPU went, and what full cores would allow at that cost. */
export function boundNote(
  rate: number,
  ceiling: number,
  count: CpuCount<string> | undefined,
  unit: 'request' | 'job',
): string | undefined {
  const bound = busyBound(rate, count);
  if (!count || !Number.isFinite(bound)) return undefined;
  return `at this run's cost per ${unit} (µs: ${perGroup(count)}; machine ${fmt(count.machineBusy * 100)} % busy) all cores would allow ~${fmt(bound)} ${unit}s/s = ${fmt(bound / ceiling, 2)} × ceiling`;
}

/** The CPU tables of the printed report: per answered request, then per drained job. */
export function renderCpuTables(
  http: HttpResults,
  drains: readonly (readonly [string, DrainRun])[],
): string[] {
  const lines = [
    '| CPU µs per answered request | server | Redis | load generator | counted | machine busy | all cores busy |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const httpRows: [string, HttpRun][] = [
    ['ceiling (bare Koa)', http.ceiling],
    ['accept POST /listings', http.accept],
    ['cached GET /listings?page_num=1', http.cachedPage],
    ['cached GET /users/1', http.cachedUser],
  ];
  for (const [label, run] of httpRows) {
    const cpu = run.cpu;
    if (!cpu) continue;
    lines.push(
      `| ${label} | ${fmt(cpu.perUnit.server)} | ${fmt(cpu.perUnit.redis)} | ${fmt(cpu.perUnit.loadGenerator)} | ${fmt(countedCpu(cpu))} | ${fmt(cpu.machineBusy * 100)} % | ~${fmt(busyBound(run.rps, cpu))} req/s |`,
    );
  }
  lines.push(
    '',
    '| CPU µs per drained job | workers | Redis | MySQL | counted | machine busy | all cores busy |',
    '|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const [label, run] of drains) {
    const cpu = run.cpu;
    if (!cpu) continue;
    // The pipeline's rate is to the Mongo replica; FerretDB is not a counted process.
    const rate = Number.isNaN(run.mongoSeconds) ? run.mysqlJobsPerSec : run.mongoJobsPerSec;
    lines.push(
      `| ${label} | ${fmt(cpu.perUnit.workers)} | ${fmt(cpu.perUnit.redis)} | ${fmt(cpu.perUnit.mysql)} | ${fmt(countedCpu(cpu))} | ${fmt(cpu.machineBusy * 100)} % | ~${fmt(busyBound(rate, cpu))} jobs/s |`,
    );
  }
  return lines;
}
