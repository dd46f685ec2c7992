import type { AcceptRun, QueueDrainRun } from '../scenarios/cluster.js';
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
 * Jobs per second one Redis core would sustain at a mode's measured cost, with
 * intake and drain in balance: every job is added once and drained once, and
 * a master runs commands on one thread, so its core is spent on the sum of
 * both costs (spread over the masters on a cluster, the sum is the same).
 */
export function jobsPerMasterCore(result: ModeResult): number {
  const perJob = us(result.accept.cpu.perUnit.masters) + us(result.drain.cpu.perUnit.masters);
  return perJob > 0 ? 1e6 / perJob : Number.NaN;
}

/** The printed report: accept and drain side by side, as ratios to the first mode (one Redis). */
export function renderClusterTables(results: readonly ModeResult[]): string {
  const [base] = results;
  if (!base) return '';
  const lines = [
    '| queue Redis | accept writes/s | p50 ms | p99 ms | non-2xx | × one Redis | drain jobs/s | × one Redis | Redis-core jobs/s |',
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
    '| CPU µs per accepted write | API | Redis masters | Redis replicas | load generator | machine busy |',
    '|---|---:|---:|---:|---:|---:|',
  );
  for (const { mode, accept } of results) {
    const { api, masters, replicas, loadGenerator } = accept.cpu.perUnit;
    lines.push(
      `| ${mode} | ${fmt(api)} | ${fmt(masters)} | ${fmt(replicas)} | ${fmt(loadGenerator)} | ${fmt(accept.cpu.machineBusy * 100)} % |`,
    );
  }
  lines.push(
    '',
    '| CPU µs per drained job | workers | Redis masters | Redis replicas | MySQL | machine busy |',
    '|---|---:|---:|---:|---:|---:|',
  );
  for (const { mode, drain } of results) {
    const { workers, masters, replicas, mysql } = drain.cpu.perUnit;
    lines.push(
      `| ${mode} | ${fmt(workers)} | ${fmt(masters)} | ${fmt(replicas)} | ${fmt(mysql)} | ${fmt(drain.cpu.machineBusy * 100)} % |`,
    );
  }
  return lines.join('\n');
}
