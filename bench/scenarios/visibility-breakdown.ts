import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { jobIds } from '../../shared/domain/writes/write-jobs.js';
import { QUEUE_NAMES } from '../../shared/infra/queues/queue-names.js';
import { ROOT, type Child } from '../lib/child.js';
import { benchConfig, benchStores } from '../lib/stores.js';

/**
 * Where a visibility sample's time goes (issue 28 item 4), measured from the
 * outside: the bench's own clock (202, the last GET, 200), BullMQ's job
 * timestamps (added, taken by a worker, finished) and a preload in the API and
 * worker processes (bench/probes/commit-probe.ts: group commit and cache
 * invalidation times, event-loop delay). No product file changes.
 */
export interface Sample {
  readonly id: number;
  /** Wall-clock ms: the 202 arrived, the GET that answered 200 was sent, its answer arrived. */
  readonly accepted: number;
  readonly lastGetStarted: number;
  readonly visible: number;
  /** GETs sent for this write (404s, then the 200). */
  readonly gets: number;
  /** The same GET sent again right after the 200 (a cache hit): a read's cost under this load. */
  readonly repeatGetMs: number;
  /** That GET's X-Cache header, if the API sends one. */
  readonly repeatCache: string;
}

interface JobTimes {
  readonly timestamp: number;
  readonly processedOn?: number;
  readonly finishedOn?: number;
}

interface ProbeItem {
  readonly id: number;
  readonly submit: number;
  readonly done?: number;
  readonly batch?: {
    readonly flush: number;
    readonly size: number;
    readonly invalidateStart?: number;
    readonly invalidateEnd?: number;
  };
}

interface ProbeDump {
  readonly pid: number;
  readonly loopDelayMs: { p50: number; p99: number; max: number };
  readonly items: ProbeItem[];
}

/**
 * The stages, in order, from the job's add in the API to the bench's 200; minus
 * the 202's own leg (added → the bench had the 202) they add up to the
 * sample's visibility (202 → 200).
 */
export const STAGES = [
  ['queue wait', 'job added (job.timestamp) → a worker took it (processedOn)'],
  ['worker start', 'taken → handed to the group committer'],
  ['batch wait', 'handed → its batch sent'],
  ['INSERT', 'batch sent → rows committed (cache invalidation starts)'],
  [
    'read',
    'rows committed → the bench saw 200 (invalidation, poll wait, the GET: a miss reads MySQL)',
  ],
] as const;
type Stage = (typeof STAGES)[number][0];

export interface VisibilityBreakdown {
  /** Samples with every timestamp (a job removed before it was read has none). */
  readonly complete: number;
  readonly samples: number;
  /** Per stage: median over all samples, mean over the slowest 5 %, and the p99 sample's own. */
  readonly stages: Record<Stage, { p50: number; tailMean: number; atP99: number }>;
  /** The cache invalidation alone (part of "read"). */
  readonly invalidate: { p50: number; tailMean: number; atP99: number };
  /** Added → the bench had its 202 (subtracted: visibility starts at the 202). */
  readonly answerLeg: { p50: number; tailMean: number; atP99: number };
  /** The last GET alone (part of "read"): median, tail mean, the p99 sample's. */
  readonly lastGet: { p50: number; tailMean: number; atP99: number };
  /** The same GET again right after, a cache hit. */
  readonly repeatGet: { p50: number; tailMean: number; atP99: number };
  /** X-Cache of the repeated GETs, counted. */
  readonly repeatCache: Record<string, number>;
  /** GETs per sample: median and tail mean. */
  readonly gets: { p50: number; tailMean: number };
  /** Batch size the sampled writes were committed in: median and tail mean. */
  readonly batchSize: { p50: number; tailMean: number };
  /** Event-loop delay over the run, ms: each probed process and the bench process (load generator and samplers). */
  readonly loopDelayMs: Record<string, { p50: number; p99: number; max: number }>;
}

export const breakdownNodeArgs = [
  '--import',
  'tsx',
  '--import',
  pathToFileURL(join(ROOT, 'bench/probes/commit-probe.ts')).href,
];

export interface BreakdownProbe {
  env(name: string): Record<string, string>;
  /** The sampler's callback: keeps the sample and reads its job's timestamps before BullMQ removes it. */
  readonly record: (sample: Sample) => void;
  /** The measured load starts: the bench's and each probed process's event-loop histograms restart. */
  loadStarted(children: readonly Child[]): void;
  readonly samples: readonly Sample[];
  readonly jobs: Map<number, JobTimes>;
  readonly dir: string;
  readonly loop: ReturnType<typeof monitorEventLoopDelay>;
  close(): Promise<void>;
}

export async function startBreakdown(): Promise<BreakdownProbe> {
  const dir = await mkdtemp(join(tmpdir(), 'spillway-visibility-'));
  const connection = new Redis(benchStores().REDIS_QUEUE_URL ?? '', {
    maxRetriesPerRequest: null,
  });
  const queue = new Queue(QUEUE_NAMES.persistListings, {
    connection,
    prefix: benchConfig().queue.prefix,
  });
  const samples: Sample[] = [];
  const jobs = new Map<number, JobTimes>();
  const pending = new Set<Promise<void>>();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  // Read soon after the write became visible, again if it had not finished yet.
  const readJob = async (id: number) => {
    for (const delay of [100, 300, 600, 1_500]) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      const job = await queue.getJob(jobIds.persist('listings', id, 1));
      if (!job) return;
      jobs.set(id, {
        timestamp: job.timestamp,
        processedOn: job.processedOn,
        finishedOn: job.finishedOn,
      });
      if (job.finishedOn) return;
    }
  };
  return {
    dir,
    samples,
    jobs,
    loop,
    env: (name) => ({
      BENCH_PROBE_FILE: join(dir, `${name}.json`),
      // Completed jobs are kept (default: the last 1,000), so a slow sample's job
      // still has its timestamps when it is read; it saves Redis work, if anything.
      QUEUE_KEEP_COMPLETED: '1000000',
    }),
    record: (sample) => {
      samples.push(sample);
      const read = readJob(sample.id).catch(() => undefined);
      pending.add(read);
      void read.finally(() => pending.delete(read));
    },
    loadStarted: (children) => {
      loop.reset();
      for (const child of children) child.child.kill('SIGUSR2');
    },
    async close() {
      await Promise.allSettled([...pending]);
      loop.disable();
      await queue.close();
      connection.disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function dumpOf(probe: BreakdownProbe, name: string, child: Child): Promise<ProbeDump> {
  const file = probe.env(name).BENCH_PROBE_FILE ?? '';
  child.child.kill('SIGUSR2');
  for (let i = 0; i < 100; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text) {
      try {
        return JSON.parse(text) as ProbeDump;
      } catch {
        // still being written
      }
    }
  }
  throw new Error(`${name}: no probe dump in ${file}`);
}

const median = (values: readonly number[]) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};
const mean = (values: readonly number[]) => {
  const kept = values.filter(Number.isFinite);
  return kept.length ? kept.reduce((a, b) => a + b, 0) / kept.length : Number.NaN;
};

/** Asks each probed process for its dump, joins it with the samples and their jobs, and sums up by stage. */
export async function readBreakdown(
  probe: BreakdownProbe,
  /** Each probed process: its printed name, the name its probe env was made with, the child. */
  processes: readonly (readonly [string, string, Child])[],
): Promise<VisibilityBreakdown> {
  const ms = (ns: number) => ns / 1e6;
  const benchLoop = {
    p50: ms(probe.loop.percentile(50)),
    p99: ms(probe.loop.percentile(99)),
    max: ms(probe.loop.max),
  };
  const dumps = await Promise.all(
    processes.map(
      async ([name, label, child]) => [name, await dumpOf(probe, label, child)] as const,
    ),
  );
  const items = new Map<number, ProbeItem>();
  for (const [, dump] of dumps) for (const item of dump.items) items.set(item.id, item);
  // Wait for the last job reads (close() waits too, but the numbers are needed now).
  await new Promise((resolve) => setTimeout(resolve, 2_600));

  type Row = Record<Stage, number> & {
    total: number;
    invalidate: number;
    answerLeg: number;
    lastGet: number;
    repeatGet: number;
    gets: number;
    batchSize: number;
  };
  const rows: Row[] = [];
  for (const sample of probe.samples) {
    const job = probe.jobs.get(sample.id);
    const item = items.get(sample.id);
    const batch = item?.batch;
    const end = batch?.invalidateEnd;
    if (!job?.processedOn || !item || !batch?.invalidateStart || !end) continue;
    rows.push({
      'queue wait': job.processedOn - job.timestamp,
      'worker start': item.submit - job.processedOn,
      'batch wait': batch.flush - item.submit,
      INSERT: batch.invalidateStart - batch.flush,
      read: sample.visible - batch.invalidateStart,
      invalidate: end - batch.invalidateStart,
      total: sample.visible - sample.accepted,
      answerLeg: sample.accepted - job.timestamp,
      lastGet: sample.visible - sample.lastGetStarted,
      repeatGet: sample.repeatGetMs,
      gets: sample.gets,
      batchSize: batch.size,
    });
  }
  rows.sort((a, b) => a.total - b.total);
  const tail = rows.slice(Math.floor(rows.length * 0.95));
  const atP99 = rows[Math.min(rows.length - 1, Math.ceil(0.99 * rows.length) - 1)];
  const summary = (key: keyof Row) => ({
    p50: median(rows.map((row) => row[key])),
    tailMean: mean(tail.map((row) => row[key])),
    atP99: atP99 ? atP99[key] : Number.NaN,
  });
  const stages = Object.fromEntries(
    STAGES.map(([stage]) => [stage, summary(stage)]),
  ) as VisibilityBreakdown['stages'];
  const { p50: getsP50, tailMean: getsTail } = summary('gets');
  const { p50: sizeP50, tailMean: sizeTail } = summary('batchSize');
  return {
    complete: rows.length,
    samples: probe.samples.length,
    stages,
    answerLeg: summary('answerLeg'),
    invalidate: summary('invalidate'),
    lastGet: summary('lastGet'),
    repeatGet: summary('repeatGet'),
    repeatCache: probe.samples.reduce<Record<string, number>>((counts, sample) => {
      const key = sample.repeatCache || 'no header';
      counts[key] = (counts[key] ?? 0) + 1;
      return counts;
    }, {}),
    gets: { p50: getsP50, tailMean: getsTail },
    batchSize: { p50: sizeP50, tailMean: sizeTail },
    loopDelayMs: {
      ...Object.fromEntries(dumps.map(([name, dump]) => [name, dump.loopDelayMs])),
      'bench (load + samplers)': benchLoop,
    },
  };
}

/** The breakdown as printed lines (a markdown table, then event-loop delays). */
export function renderBreakdown(
  b: VisibilityBreakdown,
  total: { p50: number; p99: number },
): string[] {
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
  const lines = [
    `visibility breakdown: ${b.complete} of ${b.samples} samples with every timestamp (p50 ${f(total.p50)} ms, p99 ${f(total.p99)} ms over all samples)`,
    '',
    '| stage | what | median ms | slowest 5 % mean ms | the p99 sample ms |',
    '|---|---|---:|---:|---:|',
  ];
  for (const [stage, what] of STAGES) {
    const s = b.stages[stage];
    lines.push(`| ${stage} | ${what} | ${f(s.p50)} | ${f(s.tailMean)} | ${f(s.atP99)} |`);
  }
  const row = (stage: string, what: string, s: { p50: number; tailMean: number; atP99: number }) =>
    lines.push(`| ${stage} | ${what} | ${f(s.p50)} | ${f(s.tailMean)} | ${f(s.atP99)} |`);
  row('minus the 202 leg', 'job added → the bench had its 202', b.answerLeg);
  row('(invalidate)', 'the cache generation bump, part of "read"', b.invalidate);
  row('(last GET)', 'the GET that answered 200, part of "read"', b.lastGet);
  row('(repeat GET)', 'the same GET again at once (cache hit)', b.repeatGet);
  lines.push(
    `repeat GETs' X-Cache: ${JSON.stringify(b.repeatCache)}`,
    '',
    `GETs per sample: median ${f(b.gets.p50)}, slowest 5 % ${f(b.gets.tailMean)}; batch size: median ${f(b.batchSize.p50)}, slowest 5 % ${f(b.batchSize.tailMean)}`,
    '',
    '| event-loop delay ms | p50 | p99 | max |',
    '|---|---:|---:|---:|',
  );
  for (const [name, d] of Object.entries(b.loopDelayMs))
    lines.push(`| ${name} | ${f(d.p50)} | ${f(d.p99)} | ${f(d.max)} |`);
  return lines;
}
