import type { AcceptRun, IdleRedis, QueueDrainRun } from '../scenarios/cluster.js';
import type { CpuCount } from './cpu.js';
import { fmt } from './cpu-report.js';

/** The best accept run and the best drain of one queue mode. */
export interface ModeResult {
  readonly mode: string;
  readonly accept: AcceptRun;
  readonly drain: QueueDrainRun;
}

/** µs of a group, 0 when the mode has no such process (no replicas on one Redis). */
const us = (value: number) => (Number.isFinite(value) ? value : 0);

/**
 * µs of master CPU per unit of work, less what the masters spent idle at the
 * same rate (measured just before the run): the benchmark's own share.
 */
export function netMasterUs(
  run: { readonly cpu: CpuCount<'masters'>; readonly idle: IdleRedis },
  seconds: number,
  units: number,
): number {
  const raw = us(run.cpu.perUnit.masters);
  return Math.max(0, raw - (us(run.idle.masters) * seconds) / Math.max(units, 1));
}

/**
 * Jobs per second one Redis core would sustain at a mode's measured cost, with
 * intake and drain in balance: every job is added once and drained once, and
 * a master runs commands on one thread, so its core is spent on the sum of
 * both costs (spread over the masters on a cluster, the sum is the same).
 * Net of the masters' idle CPU; the raw figures are in the CPU tables.
 */
export function jobsPerMasterCore({ accept, drain }: ModeResult): number {
  const perJob =
    netMasterUs(accept, accept.seconds, accept.ok) + netMasterUs(drain, drain.seconds, drain.jobs);
  return perJob > 0 ? 1e6 / perJob : Number.NaN;
}

/** "12000, 3000": what the queue Redis spent per second before a run, with none of the benchmark's load. */
const idleText = (idle: IdleRedis) => `${fmt(idle.masters)}, ${fmt(idle.replicas)}`;

/** The printed report: accept and drain side by side, as ratios to the first mode (one Redis). */
export function renderClusterTables(results: readonly ModeResult[]): string {
  const [base] = results;
  if (!base) return '';
  const lines = [
    '| queue Redis | accept writes/s | p50 ms | p99 ms | non-2xx | × one Redis | drain jobs/s | × one Redis | jobs/s per Redis core |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const result of results) {
    const { mode, accept, drain } = result;
    lines.push(
      `| ${mode} | ${fmt(accept.rps)} | ${accept.p50} | ${accept.p99} | ${accept.non2xx + accept.errors} | ${fmt(accept.rps / base.accept.rps, 2)} | ${fmt(drain.jobsPerSec)} | ${fmt(drain.jobsPerSec / base.drain.jobsPerSec, 2)} | ~${fmt(jobsPerMasterCore(result))} |`,
    );
  }
  lines.push(
    '',
    '| CPU µs per accepted write | API | Redis masters | masters net of idle | Redis replicas | load generator | machine busy | Redis idle before (masters, replicas µs/s) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const { mode, accept } of results) {
    const { api, masters, replicas, loadGenerator } = accept.cpu.perUnit;
    lines.push(
      `| ${mode} | ${fmt(api)} | ${fmt(masters)} | ${fmt(netMasterUs(accept, accept.seconds, accept.ok))} | ${fmt(replicas)} | ${fmt(loadGenerator)} | ${fmt(accept.cpu.machineBusy * 100)} % | ${idleText(accept.idle)} |`,
    );
  }
  lines.push(
    '',
    '| CPU µs per drained job | workers | Redis masters | masters net of idle | Redis replicas | MySQL | machine busy | Redis idle before (masters, replicas µs/s) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const { mode, drain } of results) {
    const { workers, masters, replicas, mysql } = drain.cpu.perUnit;
    lines.push(
      `| ${mode} | ${fmt(workers)} | ${fmt(masters)} | ${fmt(netMasterUs(drain, drain.seconds, drain.jobs))} | ${fmt(replicas)} | ${fmt(mysql)} | ${fmt(drain.cpu.machineBusy * 100)} % | ${idleText(drain.idle)} |`,
    );
  }
  return lines.join('\n');
}
