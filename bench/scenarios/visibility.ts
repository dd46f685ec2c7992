import type { Child } from '../lib/child.js';
import { loadSteady, type HttpRun } from '../lib/load.js';
import { startApi, startWorkers } from '../lib/spillway.js';
import { PIPELINE_POOLS } from './drain.js';
import {
  breakdownNodeArgs,
  readBreakdown,
  startBreakdown,
  type Sample,
  type VisibilityBreakdown,
} from './visibility-breakdown.js';
import { percentile } from '../lib/percentile.js';

export interface VisibilityResult {
  /** The background POST rate asked for: half the best accept rate. */
  readonly targetRps: number;
  readonly background: HttpRun;
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Where each sample's time went (only when asked: the probes cost the processes a little). */
  readonly breakdown?: VisibilityBreakdown;
}

const LISTING = { user_id: 1, listing_type: 'sale', price: 99 } as const;
const WARM_UP_SECONDS = 3;
const POLL_MS = 10;
/**
 * autocannon waits for each answer on a connection: at 100 connections and
 * 3,000 req/s, answers slower than 33 ms lower the rate sent. A connection per
 * 5 req/s keeps the asked rate up to 200 ms answers.
 */
const REQUESTS_PER_CONNECTION = 5;
/** A burst of rate/20 every 50 ms (fewer phases below 20 req/s): see loadSteady. */
const PHASES = 20;

/**
 * One write: POST, then GET /listings/{id} every POLL_MS until 200; ms from the
 * 202 to that 200. Four samplers polling every 2 ms sent up to 2,000 GETs/s of
 * misses, as many requests as the load they sampled; 10 ms bounds the error
 * well below the 250 ms goal.
 */
async function sampleOnce(base: string, onSample?: (sample: Sample) => void): Promise<number> {
  const response = await fetch(`${base}/listings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(LISTING),
  });
  const body = (await response.json()) as { listing?: { id: number } };
  if (response.status !== 202 || !body.listing) throw new Error(`POST answered ${response.status}`);
  const accepted = performance.now();
  for (let gets = 1; ; gets += 1) {
    const getStarted = performance.now();
    const read = await fetch(`${base}/listings/${body.listing.id}`);
    await read.arrayBuffer();
    if (read.status === 200) {
      const visible = performance.now();
      if (onSample) {
        // The same GET again at once: what a read costs under this load (a hit,
        // unless a commit moved the collection's cache generation in between).
        const again = await fetch(`${base}/listings/${body.listing.id}`);
        await again.arrayBuffer();
        const wall = (t: number) => performance.timeOrigin + t;
        onSample({
          id: body.listing.id,
          accepted: wall(accepted),
          lastGetStarted: wall(getStarted),
          visible: wall(visible),
          gets,
          repeatGetMs: performance.now() - visible,
          repeatCache: again.headers.get('x-cache') ?? '',
        });
      }
      return visible - accepted;
    }
    if (performance.now() - accepted > 30_000) throw new Error('write not visible after 30 s');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Time from a 202 to the write being readable, while the API takes half its
 * maximum accept rate and the workers drain it: a few sampling clients run
 * beside a steady load (loadSteady), after a warm-up of WARM_UP_SECONDS at that rate.
 */
export async function runVisibility(options: {
  acceptRps: number;
  seconds: number;
  log: (line: string) => void;
  /** Extra environment for both worker pools (the focused tool's tuning runs). */
  workerEnv?: Record<string, string>;
  /** Extra environment for the API. */
  apiEnv?: Record<string, string>;
  /** Break each sample's time down by stage (visibility-breakdown.ts). */
  breakdown?: boolean;
}): Promise<VisibilityResult> {
  const children: Child[] = [];
  const probe = options.breakdown ? await startBreakdown() : undefined;
  try {
    // The same two worker pools as the pipeline drain (persist; everything else).
    children.push(
      ...(await Promise.all(
        PIPELINE_POOLS.map((env, i) =>
          startWorkers(
            { ...env, ...options.workerEnv, ...probe?.env(`pool-${i}`) },
            probe ? breakdownNodeArgs : [],
          ),
        ),
      )),
    );
    const api = await startApi(
      { ...options.apiEnv, ...probe?.env('api') },
      probe ? breakdownNodeArgs : [],
    );
    children.push(api.child);
    const targetRps = Math.max(1, Math.round(options.acceptRps / 2));
    const connections = Math.max(100, Math.ceil(targetRps / REQUESTS_PER_CONNECTION));
    const phases = Math.min(PHASES, targetRps);
    // Steady state, not start-up: fresh processes open their pools and compile
    // their hot paths during the first writes, which are not what the goal asks.
    await Promise.all([
      loadSteady('visibility-warm-up', {
        url: `${api.listingsUrl}/listings`,
        seconds: WARM_UP_SECONDS,
        method: 'POST',
        body: LISTING,
        overallRate: targetRps,
        connections,
        phases,
      }),
      sampleOnce(api.listingsUrl),
    ]);
    const latencies: number[] = [];
    const until = Date.now() + options.seconds * 1000;
    const samplers = Array.from({ length: 4 }, async () => {
      while (Date.now() < until) latencies.push(await sampleOnce(api.listingsUrl, probe?.record));
    });
    probe?.loadStarted(children);
    const [background] = await Promise.all([
      loadSteady('visibility-load', {
        url: `${api.listingsUrl}/listings`,
        seconds: options.seconds,
        method: 'POST',
        body: LISTING,
        overallRate: targetRps,
        connections,
        phases,
      }),
      ...samplers,
    ]);
    const sorted = [...latencies].sort((a, b) => a - b);
    const breakdown = probe
      ? await readBreakdown(probe, [
          ['API', 'api', api.child],
          ['persist pool', 'pool-0', children[0]!],
          ['other pool', 'pool-1', children[1]!],
        ])
      : undefined;
    const result = {
      targetRps,
      background,
      samples: sorted.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
      ...(breakdown ? { breakdown } : {}),
    };
    options.log(
      `  visibility at ${targetRps} req/s (got ${background.rps.toFixed(0)}): p50 ${result.p50.toFixed(1)} ms  p99 ${result.p99.toFixed(1)} ms  (${result.samples} samples)`,
    );
    return result;
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await probe?.close();
  }
}
