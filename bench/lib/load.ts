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

/**
 * A steady `overallRate`. autocannon paces a rate per connection in whole
 * seconds: each connection sends its quota back to back when its one-second
 * interval ticks, and every connection ticks together, so a "3,000 req/s" run
 * arrives as one burst at the API's full speed at the start of each second,
 * then silence. Here `phases` autocannon runs each take an equal share of the
 * rate and the connections, started 1000/phases ms apart: a burst of
 * rate/phases every 1000/phases ms. The run's rate is the sum of theirs; its
 * p50 and p99 are the worst of theirs (latencies of separate runs do not merge).
 */
export async function loadSteady(
  name: string,
  options: LoadOptions & { readonly overallRate: number; readonly phases: number },
): Promise<HttpRun> {
  const schedule = steadyPhases(options.overallRate, options.connections ?? 100, options.phases);
  const runs = await Promise.all(
    schedule.map(async (phase, i) => {
      await new Promise((resolve) => setTimeout(resolve, phase.delayMs));
      return load(`${name}-${i}`, {
        ...options,
        overallRate: phase.rate,
        connections: phase.connections,
      });
    }),
  );
  const sum = (field: 'rps' | 'ok' | 'non2xx' | 'errors') =>
    runs.reduce((total, run) => total + run[field], 0);
  return {
    name,
    rps: sum('rps'),
    p50: Math.max(...runs.map((run) => run.p50)),
    p99: Math.max(...runs.map((run) => run.p99)),
    ok: sum('ok'),
    non2xx: sum('non2xx'),
    errors: sum('errors'),
    seconds: Math.max(...runs.map((run) => run.seconds)),
  };
}

/**
 * loadSteady's plan: `phases` equal shares (±1) of the rate and of the
 * connections, started 1000/phases ms apart. Each phase needs at least one
 * request per second and one connection, so fewer than that is an error
 * rather than a silently higher rate.
 */
export function steadyPhases(
  overallRate: number,
  connections: number,
  phases: number,
): { delayMs: number; rate: number; connections: number }[] {
  if (!Number.isInteger(phases) || phases < 1 || overallRate < phases || connections < phases)
    throw new RangeError(
      `a steady load of ${overallRate} req/s over ${connections} connections cannot be split into ${phases} phases`,
    );
  const share = (total: number, i: number) =>
    Math.floor(total / phases) + (i < total % phases ? 1 : 0);
  return Array.from({ length: phases }, (_, i) => ({
    delayMs: (i * 1000) / phases,
    rate: share(overallRate, i),
    connections: share(connections, i),
  }));
}

/** The run of one scenario with the highest `rate` (the least disturbed by neighbours). */
export function best<Run>(runs: readonly Run[], rate: (run: Run) => number): Run {
  const [first, ...rest] = runs;
  if (first === undefined) throw new Error('no runs');
  return rest.reduce((top, run) => (rate(run) > rate(top) ? run : top), first);
}
