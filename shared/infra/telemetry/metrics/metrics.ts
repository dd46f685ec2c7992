import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { checkReadiness, type ReadinessCheck } from '../../process/readiness-check.js';
import { within } from '../../process/within.js';

/**
 * The Prometheus metrics of one process. Each process owns one registry (so
 * tests can build several side by side) and passes the typed metrics down.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequestDuration: Histogram<'service' | 'method' | 'route' | 'status'>;
  readonly cacheReads: Counter<'collection' | 'result'>;
  readonly jobDuration: Histogram<'queue' | 'outcome'>;
  readonly jobsFailed: Counter<'queue'>;
  readonly acceptToPersisted: Histogram<'queue'>;
  readonly groupCommitBatchSize: Histogram<'queue'>;
  readonly ordersPurged: Counter;
  readonly orderPurgeRuns: Counter<'outcome'>;
  readonly orderPurgeLastCompleted: Gauge;
  readonly queueJobs: Gauge<'queue' | 'state'>;
  readonly ready: Gauge<'dependency'>;
}

/** A queue Redis slower than this leaves the depth out of a scrape rather than hold it up. */
const QUEUE_DEPTH_TIMEOUT_MS = 2000;

/** How queue depth is read at scrape time: job counts per queue and state. */
export type QueueDepthReader = () => Promise<Record<string, Record<string, number>>>;

/** What a process's scrape-time gauges read: its queue depth and its readiness checks. */
interface ScrapeSources {
  queueDepth?: QueueDepthReader;
  readiness?: () => Record<string, ReadinessCheck>;
}

/** HTTP requests and cached reads. */
function requestMetrics(registry: Registry): Pick<Metrics, 'httpRequestDuration' | 'cacheReads'> {
  return {
    httpRequestDuration: new Histogram({
      name: 'spillway_http_request_duration_seconds',
      help: 'HTTP request duration by service, method, matched route and status',
      labelNames: ['service', 'method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    cacheReads: new Counter({
      name: 'spillway_cache_reads_total',
      help: 'Cached reads by collection and result (hit or miss)',
      labelNames: ['collection', 'result'],
      registers: [registry],
    }),
  };
}

/** Jobs: how long they run, which fail for good, how long a write takes to land, group commits. */
function jobMetrics(
  registry: Registry,
): Pick<Metrics, 'jobDuration' | 'jobsFailed' | 'acceptToPersisted' | 'groupCommitBatchSize'> {
  return {
    jobDuration: new Histogram({
      name: 'spillway_job_duration_seconds',
      help: 'Time from a job starting to finishing, by queue and outcome',
      labelNames: ['queue', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    jobsFailed: new Counter({
      name: 'spillway_jobs_failed_total',
      help: 'Jobs that failed for good (no attempt left, or not retryable) and moved to the failed set',
      labelNames: ['queue'],
      registers: [registry],
    }),
    acceptToPersisted: new Histogram({
      name: 'spillway_accept_to_persisted_seconds',
      help: 'Time from a write being accepted (its job enqueued) to it being committed in its store, by queue',
      labelNames: ['queue'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
    groupCommitBatchSize: new Histogram({
      name: 'spillway_group_commit_batch_size',
      help: 'Jobs committed together in one statement or bulk write, by queue',
      labelNames: ['queue'],
      buckets: [1, 2, 5, 10, 25, 50, 100, 200, 500, 1000],
      registers: [registry],
    }),
  };
}

/** The orders' retention purge. */
function orderPurgeMetrics(
  registry: Registry,
): Pick<Metrics, 'ordersPurged' | 'orderPurgeRuns' | 'orderPurgeLastCompleted'> {
  return {
    ordersPurged: new Counter({
      name: 'spillway_orders_purged_total',
      help: 'Orders deleted by the retention purge',
      registers: [registry],
    }),
    orderPurgeRuns: new Counter({
      name: 'spillway_order_purge_runs_total',
      help: 'Retention purge runs by outcome: completed, skipped (another purge held the lock) or failed',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    orderPurgeLastCompleted: new Gauge({
      name: 'spillway_order_purge_last_completed_timestamp_seconds',
      help: 'When this process last completed a retention purge (Unix seconds); 0: not since it started',
      registers: [registry],
    }),
  };
}

/** Gauges read at scrape time, so never stale: queue depth and readiness. */
function scrapedGauges(
  registry: Registry,
  sources: ScrapeSources,
): Pick<Metrics, 'queueJobs' | 'ready'> {
  return {
    queueJobs: new Gauge({
      name: 'spillway_queue_jobs',
      help: 'Jobs per queue and state (waiting, active, delayed, failed), read at scrape time',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        if (!sources.queueDepth) return;
        // A queue Redis that is down or hung leaves these series out, not the whole
        // scrape: the rest (spillway_ready among them) is what says Redis is down.
        const counts = await within(sources.queueDepth, QUEUE_DEPTH_TIMEOUT_MS).catch(() => ({}));
        this.reset();
        for (const [queue, states] of Object.entries(counts)) {
          for (const [state, value] of Object.entries(states)) this.set({ queue, state }, value);
        }
      },
    }),
    ready: new Gauge({
      name: 'spillway_ready',
      help: 'Whether each dependency of this process answers its /ready check (1) or not (0), checked at scrape time',
      labelNames: ['dependency'],
      registers: [registry],
      async collect() {
        if (!sources.readiness) return;
        const states = await checkReadiness(sources.readiness());
        for (const [dependency, state] of Object.entries(states))
          this.set({ dependency }, state === 'up' ? 1 : 0);
      },
    }),
  };
}

/**
 * Builds a process's registry. `queueDepth`, when given, is read at every
 * scrape to fill `spillway_queue_jobs` (so the numbers are never stale), and
 * `readiness` (the checks of the process's `/ready`) to fill `spillway_ready`.
 * The metrics are registered, and so exposed, in the order built here.
 */
export function createMetrics(options: { process: string } & ScrapeSources): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ process: options.process });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    ...requestMetrics(registry),
    ...jobMetrics(registry),
    ...orderPurgeMetrics(registry),
    ...scrapedGauges(registry, options),
  };
}

/** The states operators watch; completed jobs are trimmed, so their count is not a depth. */
export const WATCHED_JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
