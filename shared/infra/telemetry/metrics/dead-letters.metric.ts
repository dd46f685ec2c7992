import { Gauge, type Registry } from 'prom-client';
import { DEAD_LETTER_RESOURCES } from '../../queues/dead-letters.js';
import { within } from '../../process/within.js';

export const DEAD_LETTERS_METRIC = 'spillway_dead_letters';

/** A MySQL slower than this keeps the last counts rather than hold up the scrape. */
const COUNT_TIMEOUT_MS = 2000;

/**
 * `spillway_dead_letters{resource}`: dead letters neither re-driven nor
 * stored since they failed, counted in MySQL at every scrape. Reported by
 * the process that serves the ops port (one count, however many workers).
 * Every resource is reported from 0, so the first dead letter is a change;
 * while MySQL does not answer the last counts stay (`spillway_ready` says
 * MySQL is down, and no letter goes away while it is).
 */
export function watchDeadLetters(
  registry: Registry,
  countOpen: () => Promise<Record<string, number>>,
): void {
  if (registry.getSingleMetric(DEAD_LETTERS_METRIC)) return;
  // Every resource reported once stays reported (at 0 when its letters are gone).
  const reported = new Set<string>(DEAD_LETTER_RESOURCES);
  const gauge = new Gauge({
    name: DEAD_LETTERS_METRIC,
    help: 'Dead letters (writes whose job failed for good) neither re-driven nor stored since, by resource; read from MySQL at scrape time',
    labelNames: ['resource'],
    registers: [registry],
    async collect() {
      const counts = await within(countOpen, COUNT_TIMEOUT_MS).catch(() => undefined);
      if (!counts) return;
      for (const resource of Object.keys(counts)) reported.add(resource);
      for (const resource of reported) this.set({ resource }, counts[resource] ?? 0);
    },
  });
  for (const resource of reported) gauge.set({ resource }, 0);
}
