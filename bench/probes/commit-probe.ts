/**
 * A preload for the visibility breakdown (bench/visibility-only.ts BREAKDOWN=1),
 * benchmark code only: `node --import tsx --import bench/probes/commit-probe.ts
 * dist/…/main.js`. It changes no product file; it wraps, in the compiled
 * modules this process is about to load, GroupCommitter's `submit` and `commit`
 * and ReadThroughCache's `invalidate`, and records for each created resource's
 * id when its job handed it to the group committer, when its batch was sent,
 * when the batch's cache invalidation started and ended (the write is readable
 * from then on) and when the submit settled (its replicate job queued). It also
 * samples the process's event-loop delay. The first SIGUSR2 restarts the
 * event-loop histogram (the measured load starts); each later one writes all
 * of it to BENCH_PROBE_FILE as JSON. Times are wall-clock ms (comparable with BullMQ's
 * job timestamps and the bench's own clock on this machine).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

interface Batch {
  flush: number;
  size: number;
  invalidateStart?: number;
  invalidateEnd?: number;
}
interface Item {
  submit: number;
  done?: number;
  batch?: Batch;
}
type Method = (this: unknown, ...args: unknown[]) => unknown;

const root = join(import.meta.dirname, '../..');
const now = () => performance.timeOrigin + performance.now();
const items = new Map<number, Item>();
const inBatch = new AsyncLocalStorage<Batch>();
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

const idOf = (item: unknown): number | undefined =>
  (item as { resource?: { id?: number } } | undefined)?.resource?.id;

const { GroupCommitter } = (await import(
  pathToFileURL(join(root, 'dist/workers/group-commit.js')).href
)) as { GroupCommitter: { prototype: Record<string, Method> } };
const { ReadThroughCache } = (await import(
  pathToFileURL(join(root, 'dist/shared/infra/cache/read-through-cache.js')).href
)) as { ReadThroughCache: { prototype: Record<string, Method> } };

const committer = GroupCommitter.prototype;
const submit = committer.submit!;
committer.submit = function (item: unknown) {
  const id = idOf(item);
  const record: Item = { submit: now() };
  if (id !== undefined) items.set(id, record);
  const settled = submit.call(this, item) as Promise<void>;
  settled.then(
    () => (record.done = now()),
    () => undefined,
  );
  return settled;
};
const commit = committer.commit!;
committer.commit = function (batch: unknown) {
  const pending = batch as { item: unknown }[];
  const record: Batch = { flush: now(), size: pending.length };
  for (const p of pending) {
    const item = items.get(idOf(p.item) ?? Number.NaN);
    if (item) item.batch ??= record;
  }
  return inBatch.run(record, () => commit.call(this, batch));
};
const cache = ReadThroughCache.prototype;
const invalidate = cache.invalidate!;
cache.invalidate = async function (...args: unknown[]) {
  const batch = inBatch.getStore();
  if (batch) batch.invalidateStart = now();
  const result = await invalidate.apply(this, args);
  if (batch) batch.invalidateEnd = now();
  return result;
};

// The first SIGUSR2 marks the start of the measured load (start-up's long
// turns leave the event-loop histogram); each later one writes the dump.
let marked = false;
process.on('SIGUSR2', () => {
  if (!marked) {
    marked = true;
    loop.reset();
    return;
  }
  const file = process.env.BENCH_PROBE_FILE;
  if (!file) return;
  const ms = (ns: number) => ns / 1e6;
  writeFileSync(
    file,
    JSON.stringify({
      pid: process.pid,
      loopDelayMs: {
        p50: ms(loop.percentile(50)),
        p99: ms(loop.percentile(99)),
        max: ms(loop.max),
      },
      items: [...items].map(([id, item]) => ({ id, ...item })),
    }),
  );
});
