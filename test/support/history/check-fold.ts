import { acknowledged, indeterminate, versionOrder, type KeyHistory } from './check-answers.js';
import { mayFollow, named, precedes, same, shown, type Findings } from './findings.js';
import type { HistoryOp, StoredState } from './history.types.js';

/** The acknowledged writes of a key folded in version order from its create. */
interface Fold {
  readonly state: Record<string, unknown>;
  /** The acknowledged op whose value each field holds in the fold. */
  readonly writers: Map<string, HistoryOp>;
  deletedBy?: HistoryOp;
}

/**
 * A key whose store keeps only its latest state (orders: one Mongo document).
 * With versions in every acknowledged answer, the acknowledged writes are
 * folded in version order and each answer and the stored document are
 * compared with the fold; without them (a broken contract, reported as an
 * anomaly) each stored field must at least come from a write that no
 * acknowledged write of that field followed in real time.
 */
export function checkFold(h: KeyHistory, findings: Findings): void {
  const final = h.stored?.primary;
  if (!final) {
    for (const op of acknowledged(h)) findings.add('lost', h, `${named(op)}: nothing stored`, op);
    return;
  }
  const order = versionOrder(h);
  if (order) {
    const fold = replay(h, order, findings);
    checkVersions(h, order, final, findings);
    checkFields(h, fold, final, findings);
  } else {
    checkRealTime(h, final, findings);
  }
}

/**
 * An unanswered write could explain `value` in `field` where the fold has
 * the value of `writer`: it may be ordered after `writer` (and before
 * `before`, when the value is that op's answer).
 */
function unansweredExplains(
  h: KeyHistory,
  field: string,
  value: unknown,
  writer: HistoryOp | undefined,
  before?: HistoryOp,
): boolean {
  return indeterminate(h).some(
    (m) =>
      field in m.changes &&
      same(m.changes[field], value) &&
      mayFollow(m, writer) &&
      (before === undefined || mayFollow(before, m)),
  );
}

function replay(h: KeyHistory, order: readonly HistoryOp[], findings: Findings): Fold {
  const fold: Fold = { state: {}, writers: new Map() };
  for (const op of order) {
    if (fold.deletedBy && op.kind !== 'create') {
      const detail = `${named(op)} comes after the delete ${named(fold.deletedBy)}: it cannot apply`;
      findings.add('lost', h, detail, op);
      continue;
    }
    Object.assign(fold.state, op.changes);
    for (const field of Object.keys(op.changes)) fold.writers.set(field, op);
    if (op.kind === 'delete') fold.deletedBy = op;
    checkAnswered(h, op, fold, findings);
  }
  return fold;
}

/** The resource in an answer is the fold of every acknowledged write up to its version. */
function checkAnswered(h: KeyHistory, op: HistoryOp, fold: Fold, findings: Findings): void {
  for (const field of h.model.fields) {
    if (!op.answered || !(field in op.answered)) continue;
    const actual = op.answered[field];
    const expected = fold.state[field];
    if (same(actual, expected)) continue;
    if (unansweredExplains(h, field, actual, fold.writers.get(field), op)) continue;
    const source = h.ops.find(
      (o) => o !== op && field in o.changes && same(o.changes[field], actual),
    );
    findings.add(
      source ? 'reordered' : 'phantom',
      h,
      `the answer to ${named(op)} says ${field}=${shown(actual)}` +
        (source ? ` (${named(source)}'s)` : '') +
        `; the acknowledged writes up to it give ${shown(expected)}`,
      op,
    );
  }
}

/** Every acknowledged version is applied; every stored version is some write's. */
function checkVersions(
  h: KeyHistory,
  order: readonly HistoryOp[],
  final: StoredState,
  findings: Findings,
): void {
  for (const op of order) {
    if (op.version! > final.version) {
      findings.add('lost', h, `${named(op)} answered; the store is at v${final.version}`, op);
    }
  }
  const claimed = new Set(order.map((op) => op.version!).filter((v) => v <= final.version));
  const unclaimed = final.version - claimed.size;
  const unanswered = indeterminate(h).length;
  if (unclaimed > unanswered) {
    findings.add(
      'phantom',
      h,
      `the store is at v${final.version}: ${unclaimed} of its versions are no acknowledged ` +
        `write's and only ${unanswered} writes went unanswered`,
    );
  }
}

/** The stored fields are the fold's, or an unanswered write's that may come after. */
function checkFields(h: KeyHistory, fold: Fold, final: StoredState, findings: Findings): void {
  for (const field of h.model.fields) {
    const expected = fold.state[field];
    const actual = final.fields[field];
    if (same(actual, expected)) continue;
    const writer = fold.writers.get(field);
    if (unansweredExplains(h, field, actual, writer)) continue;
    const source = acknowledged(h).find(
      (o) => field in o.changes && same(o.changes[field], actual),
    );
    if (source && writer) {
      const detail = `${named(writer)} set ${field}=${shown(expected)}; the store has ${shown(actual)} from ${named(source)}`;
      findings.add('lost', h, detail, writer);
    } else {
      findings.add('phantom', h, phantomDetail(h, field, actual));
    }
  }
}

function phantomDetail(h: KeyHistory, field: string, value: unknown): string {
  const refused = h.ops.find(
    (o) => o.outcome === 'fail' && field in o.changes && same(o.changes[field], value),
  );
  const from = refused ? `${named(refused)}'s, answered ${refused.status}` : 'no write sent it';
  return `the store has ${field}=${shown(value)}: ${from}`;
}

/**
 * Without versions: a stored field's value must come from a write (acknowledged
 * or unanswered) that no acknowledged write of another value followed in real
 * time, and nothing acknowledged after a delete was answered can apply.
 */
function checkRealTime(h: KeyHistory, final: StoredState, findings: Findings): void {
  const acked = acknowledged(h);
  const deletes = acked.filter((op) => op.kind === 'delete');
  for (const op of acked) {
    const deleted = deletes.find((d) => d !== op && precedes(d, op));
    if (deleted && op.kind !== 'create') {
      const detail = `${named(op)} was sent after the delete ${named(deleted)} was answered`;
      findings.add('lost', h, detail, op);
    }
  }
  for (const field of h.model.fields) {
    const actual = final.fields[field];
    const sources = h.ops.filter(
      (o) => o.outcome !== 'fail' && field in o.changes && same(o.changes[field], actual),
    );
    if (sources.length === 0) {
      findings.add('phantom', h, phantomDetail(h, field, actual));
      continue;
    }
    const writers = acked.filter((o) => field in o.changes && !same(o.changes[field], actual));
    const newerThan = (source: HistoryOp) => writers.find((w) => precedes(source, w));
    if (sources.some((source) => !newerThan(source))) continue;
    const source = sources[0]!;
    const newer = newerThan(source)!;
    const detail =
      `${named(newer)} set ${field}=${shown(newer.changes[field])} after ${named(source)} ` +
      `was answered; the store has ${named(source)}'s ${shown(actual)}`;
    findings.add('lost', h, detail, newer);
  }
}
