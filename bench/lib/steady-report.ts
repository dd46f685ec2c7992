import type { CpuCount, SteadyCpuGroup } from './cpu.js';
import { countedCpu, fmt } from './cpu-report.js';

/**
 * The steady state (issue 28 item 5): writes arrive and are worked off at the
 * same time, as in production, rather than a paused backlog released at once.
 * Each Spillway run is timed from its first request until every accepted write
 * is a MySQL row and a Mongo document (both queues settled, then counted); each
 * ceiling from its first add until its worker completed every empty job.
 */
export interface SteadyRun {
  readonly name: string;
  /** Writes stored (Spillway: rows = documents = accepted) or empty jobs completed (a ceiling). */
  readonly writes: number;
  /** Seconds from the first request / add until the last write was accepted / added. */
  readonly intakeSeconds: number;
  /** Seconds from the first request / add until the last write was stored / job completed. */
  readonly seconds: number;
  readonly writesPerSec: number;
  /** Where the CPU went over `seconds`: µs per write (job), and how busy the machine was. */
  readonly cpu?: CpuCount<SteadyCpuGroup>;
}

export interface SteadyResults {
  /** NDJSON bodies of 1,000 listings to POST /listings/bulk, stored in MySQL and Mongo. */
  readonly bulk: SteadyRun;
  /** BullMQ alone: empty jobs added by addBulk (1,000 a call) while one worker process completes them. */
  readonly bulkCeiling: SteadyRun;
  /** POST /listings, one listing a request, many connections, stored in MySQL and Mongo. */
  readonly single: SteadyRun;
  /** BullMQ alone: empty jobs added by Queue.add, one a call, as many in flight as connections. */
  readonly singleCeiling: SteadyRun;
}

/** The steady-state goal: bulk in, stored in both stores, against BullMQ's own steady ceiling. */
export const STEADY_GOAL = 0.8;

/** The printed steady-state rows: rates, ratios, CPU per write. */
export function renderSteadyTable(s: SteadyResults, syncBaselineRps?: number): string[] {
  const lines = [
    '| steady state (in and stored at once) | writes/s | accepted in | done in | / its BullMQ ceiling |',
    '|---|---:|---:|---:|---:|',
  ];
  const row = (label: string, run: SteadyRun, ceilingRun?: SteadyRun) =>
    lines.push(
      `| ${label} | ${fmt(run.writesPerSec)} (${run.writes}) | ${fmt(run.intakeSeconds, 1)} s | ${fmt(run.seconds, 1)} s | ${ceilingRun ? `${fmt(run.writesPerSec / ceilingRun.writesPerSec, 2)} ×` : ''} |`,
    );
  row('bulk NDJSON → MySQL + Mongo (4 × 1,000 a request)', s.bulk, s.bulkCeiling);
  row('BullMQ ceiling: empty jobs, addBulk of 1,000 + one worker process', s.bulkCeiling);
  row('single POST /listings → MySQL + Mongo (100 connections)', s.single, s.singleCeiling);
  row(
    'BullMQ ceiling: empty jobs, Queue.add × 100 in flight + one worker process',
    s.singleCeiling,
  );
  if (syncBaselineRps !== undefined)
    lines.push(
      `| (single POST / sync baseline, MySQL + Mongo 201: ${fmt(s.single.writesPerSec / syncBaselineRps, 2)} ×) | | | | |`,
    );
  lines.push(
    '',
    '| CPU µs per stored write (steady) | API | workers | Redis | MySQL | load generator | counted | machine busy |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  const cpuRow = (label: string, run: SteadyRun) => {
    const cpu = run.cpu;
    if (!cpu) return;
    const p = cpu.perUnit;
    lines.push(
      `| ${label} | ${fmt(p.api)} | ${fmt(p.workers)} | ${fmt(p.redis)} | ${fmt(p.mysql)} | ${fmt(p.loadGenerator)} | ${fmt(countedCpu(cpu))} | ${fmt(cpu.machineBusy * 100)} % |`,
    );
  };
  cpuRow('bulk NDJSON', s.bulk);
  cpuRow('BullMQ addBulk ceiling', s.bulkCeiling);
  cpuRow('single POST', s.single);
  cpuRow('BullMQ add ceiling', s.singleCeiling);
  return lines;
}
