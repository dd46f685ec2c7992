import type { Finding, FindingKind, Fields, HistoryOp } from './history.types.js';

/**
 * Collects findings, each op counted at most once per kind: an acknowledged
 * write that is missing is one lost write, however many checks notice it.
 */
export class Findings {
  readonly list: Finding[] = [];
  readonly anomalies: string[] = [];
  private readonly seen = new Set<string>();

  add(kind: FindingKind, at: { resource: string; key: string }, detail: string, op?: HistoryOp) {
    if (op) {
      const id = `${kind}:${op.id}`;
      if (this.seen.has(id)) return;
      this.seen.add(id);
    }
    this.list.push({ kind, resource: at.resource, key: at.key, op: op?.id, detail });
  }

  anomaly(text: string): void {
    this.anomalies.push(text);
  }
}

/** Field values are equal: the same primitive, or both absent/null. */
export function same(a: unknown, b: unknown): boolean {
  return a === b || (a == null && b == null);
}

/** The fields of `model` that differ between two records. */
export function differing(fields: readonly string[], a: Fields, b: Fields): string[] {
  return fields.filter((field) => !same(a[field], b[field]));
}

/**
 * When an op's place in its key's order was fixed at the latest: its answer,
 * or never for a request that got none (the server may still be taking it).
 */
export function settledBy(op: HistoryOp): number {
  return op.status === 0 ? Infinity : op.answeredAt;
}

/** `a` was answered before `b` was sent: every correct order has `a` first. */
export function precedes(a: HistoryOp, b: HistoryOp): boolean {
  return settledBy(a) < b.sentAt;
}

/**
 * `later` may be ordered after `earlier` (undefined: nothing to follow):
 * `later` was not answered before `earlier` was sent.
 */
export function mayFollow(later: HistoryOp, earlier: HistoryOp | undefined): boolean {
  return earlier === undefined || !precedes(later, earlier);
}

/** `#12 (v3)`: an op as findings name it. */
export function named(op: HistoryOp): string {
  return op.version === undefined ? `#${op.id}` : `#${op.id} (v${op.version})`;
}

/** A value as findings print it. */
export function shown(value: unknown): string {
  return value === undefined ? 'absent' : JSON.stringify(value);
}

/** Whether every field `op` sets holds its value in `fields`. */
export function carries(op: HistoryOp, fields: Fields): boolean {
  return Object.entries(op.changes).every(([field, value]) => same(fields[field], value));
}
