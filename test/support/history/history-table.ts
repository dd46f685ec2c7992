import type { HistoryCounts } from './history.types.js';

const COLUMNS = [
  'ops',
  'keys',
  'acknowledged',
  'lost',
  'duplicated',
  'reordered',
  'phantom',
] as const satisfies readonly (keyof HistoryCounts)[];

/** The table's header: `| fault | ops | keys | … |` and its rule (Markdown, as docs/ shows it). */
export function tableHeader(): string {
  const header = `| fault | ${COLUMNS.join(' | ')} |`;
  const rule = `|---|${COLUMNS.map(() => '---:').join('|')}|`;
  return `${header}\n${rule}`;
}

/** One run's row. */
export function tableRow(fault: string, counts: HistoryCounts): string {
  return `| ${fault} | ${COLUMNS.map((c) => counts[c]).join(' | ')} |`;
}

/** The lost, duplicated, reordered and phantom counts: all must be 0. */
export function badCounts(counts: HistoryCounts) {
  const { lost, duplicated, reordered, phantom } = counts;
  return { lost, duplicated, reordered, phantom };
}
