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
