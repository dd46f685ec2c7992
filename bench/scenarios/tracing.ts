import { randomBytes } from 'node:crypto';
import type { Config } from '../../config/index.js';
import type { Connections } from '../../shared/infra/process/connections.js';
import type { BaseBuild } from '../lib/base-build.js';
import { startCpuCount, type CpuCount } from '../lib/cpu.js';
import { load, type HttpRun } from '../lib/load.js';
import { startOtlpSink, type SinkCount } from '../lib/otlp-sink.js';
import { startApi } from '../lib/spillway.js';
import { resetBenchStores } from '../lib/stores.js';
import { drainSpillway, listingJob, PIPELINE_POOLS, type DrainRun } from './drain.js';

/** One way of running Spillway for the tracing benchmark. */
export interface TracingMode {
  readonly name: string;
  /** Runs the version before tracing was added (compiled from git, see lib/base-build.ts). */
  readonly base?: boolean;
  /** The processes' OTEL_* variables, given the sink's URL. */
  readonly env: (sink: string) => Record<string, string>;
  /**
   * One job in how many carries a sampled trace context, as the API hands it
   * on at this sampling rate; undefined: jobs carry none (tracing off).
   */
  readonly sampledEvery?: number;
}

const ratio = (arg: string) => (sink: string) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: sink,
  OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
  OTEL_TRACES_SAMPLER_ARG: arg,
});

export const TRACING_MODES: readonly TracingMode[] = [
  { name: 'before tracing', base: true, env: () => ({}) },
  { name: 'tracing off', env: () => ({}) },
  { name: 'on, 1 %', env: ratio('0.01'), sampledEvery: 100 },
  { name: 'on, 100 %', env: ratio('1'), sampledEvery: 1 },
];

export type AcceptRun = Omit<HttpRun, 'cpu'> & { cpu: CpuCount<'api'>; sent: SinkCount };
export type TracedDrainRun = DrainRun & { sent: SinkCount };

const USER = { name: 'traced bench user' };

/** POST /users for `seconds` against one API process (no workers) in `mode`. */
export async function acceptRun(
  mode: TracingMode,
  base: BaseBuild,
  seconds: number,
): Promise<AcceptRun> {
  const sink = await startOtlpSink();
  const env = { ...mode.env(sink.url), LOG_LEVEL: 'warn' };
  const api = await (mode.base ? startApi(env, [], base.apiEntry) : startApi(env));
  try {
    const url = `${api.usersUrl}/users`;
    await load('warm-up', { url, seconds: 1, method: 'POST', body: USER });
    const before = { ...sink.received };
    const cpu = await startCpuCount<'api'>({ api: [api.child.pid] });
    const run = await load(mode.name, { url, seconds, method: 'POST', body: USER });
    const counted = await cpu.stop(run.ok);
    // The last spans leave on the exporter's schedule (5 s): stopping the API flushes them.
    await api.child.stop();
    return { ...run, cpu: counted, sent: since(before, sink.received) };
  } finally {
    await api.child.stop();
    await sink.close();
  }
}

/**
 * A backlog of `jobs` listing writes drained by the two worker pools of the
 * full pipeline (MySQL, then the Mongo replica) in `mode`. The jobs carry the
 * trace context the API gives them at the mode's sampling rate (none with
 * tracing off), each its own trace, so the workers sample as they would.
 */
export async function drainRun(
  mode: TracingMode,
  base: BaseBuild,
  config: Config,
  connections: Connections,
  jobs: number,
): Promise<TracedDrainRun> {
  const sink = await startOtlpSink();
  try {
    const pools = PIPELINE_POOLS.map((env) => ({ ...env, ...mode.env(sink.url) }));
    // drainSpillway stops the workers before it returns, which flushes their last spans.
    const run = await drainSpillway(mode.name, config, connections, jobs, pools, {
      ...(mode.base ? { workersEntry: base.workersEntry } : {}),
      job: tracedListingJob(mode.sampledEvery),
    });
    return { ...run, sent: { ...sink.received } };
  } finally {
    await resetBenchStores(connections);
    await sink.close();
  }
}

/** Listing jobs as the API enqueues them, carrying a W3C traceparent when tracing is on. */
function tracedListingJob(sampledEvery: number | undefined): typeof listingJob {
  if (sampledEvery === undefined) return listingJob;
  return (id) => {
    const job = listingJob(id);
    const flags = id % sampledEvery === 0 ? '01' : '00';
    const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-${flags}`;
    return {
      ...job,
      opts: { ...job.opts, telemetry: { metadata: JSON.stringify({ traceparent }) } },
    };
  };
}

function since(before: SinkCount, now: SinkCount): SinkCount {
  return { requests: now.requests - before.requests, bytes: now.bytes - before.bytes };
}
