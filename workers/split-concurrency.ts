/**
 * `total` job slots split over at most `instances` BullMQ workers, each with at
 * least one: 10 over 4 → 3, 3, 2, 2. Several workers of one queue fetch jobs
 * in parallel; one BullMQ worker takes them a Redis round trip at a time.
 */
export function splitConcurrency(total: number, instances: number): number[] {
  const count = Math.max(1, Math.min(instances, total));
  return Array.from(
    { length: count },
    (_, i) => Math.floor(total / count) + (i < total % count ? 1 : 0),
  );
}

/**
 * The BullMQ workers of one queue split into `shards`: about `instances` in
 * all, at least one per shard, sharing `total` job slots (a shard with no
 * worker would never drain, so with more shards than slots each gets one).
 */
export function workerSlots(
  total: number,
  instances: number,
  shards: readonly string[],
): { shard: string; concurrency: number }[] {
  const perShard = Math.max(1, Math.round(instances / shards.length));
  const slots = splitConcurrency(Math.max(total, shards.length), shards.length * perShard);
  return slots.map((concurrency, i) => ({ shard: shards[i % shards.length] ?? '', concurrency }));
}
