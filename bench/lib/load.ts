import autocannon from 'autocannon';
import type { CpuCount, HttpCpuGroup } from './cpu.js';

/** One HTTP load run: throughput and latency as autocannon measured them. */
export interface HttpRun {
  readonly name: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly seconds: number;
  /** Where the CPU went, per answered request (the HTTP scenarios measure it; visibility does not). */
  readonly cpu?: CpuCount<HttpCpuGroup>;
}

export interface LoadOptions {
  readonly url: string;
  readonly seconds: number;
  readonly connections?: number;
  readonly method?: 'GET' | 'POST';
  readonly body?: unknown;
  /** Requests per second over all connections; unset: as fast as the server answers. */
  readonly overallRate?: number;
}

/**
 * Runs autocannon in this process (programmatic API). 100 connections, like
 * the baselines in shared/NOTES.md, unless told otherwise.
 */
export async function load(name: string, options: LoadOptions): Promise<HttpRun> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections ?? 100,
    duration: options.seconds,
    method: options.method ?? 'GET',
    ...(options.body === undefined
      ? {}
      : {
          body: JSON.stringify(options.body),
          headers: { 'content-type': 'application/json' },
        }),
    ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
  });
  const ok = result['2xx'];
  return {
    name,
    // Only successful answers count as throughput.
    rps: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    seconds: result.duration,
  };
}

/** The run of one scenario with the highest `rate` (the least disturbed by neighbours). */
export function best<Run>(runs: readonly Run[], rate: (run: Run) => number): Run {
  const [first, ...rest] = runs;
  if (first === undefined) throw new Error('no runs');
  return rest.reduce((top, run) => (rate(run) > rate(top) ? run : top), first);
}
