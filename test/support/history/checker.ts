import { checkAnswers, type KeyHistory } from './check-answers.js';
import { checkCreated, checkReplica } from './check-created.js';
import { checkEvents } from './check-events.js';
import { checkFold } from './check-fold.js';
import { carries, Findings, named } from './findings.js';
import type {
  CheckResult,
  HistoryCounts,
  HistoryOp,
  ResourceModel,
  StoredKey,
  StoredState,
} from './history.types.js';

/** What the stores hold, per resource name, per key. */
export type StoredHistory = ReadonlyMap<string, ReadonlyMap<string, StoredKey>>;

/**
 * Checks a recorded history against what the stores hold afterwards, per key
 * of every resource (SPEC §9, "Proof"): counts the lost, duplicated,
 * reordered and phantom writes, each with a finding that says where. Pure:
 * it reads only its arguments, so it is tested on hand-made histories.
 */
export function checkHistory(
  models: readonly ResourceModel[],
  ops: readonly HistoryOp[],
  stored: StoredHistory,
): CheckResult {
  const findings = new Findings();
  const byResource: Record<string, HistoryCounts> = {};
  for (const model of models) {
    const before = findings.list.length;
    const mine = ops.filter((op) => op.resource === model.name);
    const storedKeys = stored.get(model.name) ?? new Map<string, StoredKey>();
    const keys = keyHistories(model, mine, storedKeys, findings);
    for (const h of keys.explained) checkKey(h, findings);
    byResource[model.name] = counts(mine, keys.count, findings.list.slice(before));
  }
  return {
    ...counts(ops, sum(Object.values(byResource).map((c) => c.keys)), findings.list),
    findings: findings.list,
    anomalies: findings.anomalies,
    byResource,
  };
}

function checkKey(h: KeyHistory, findings: Findings): void {
  if (h.model.kind === 'created') {
    checkCreated(h, findings);
  } else {
    checkAnswers(h, findings);
    if (h.model.events) checkEvents(h, findings);
    else checkFold(h, findings);
  }
  if (h.model.replica) checkReplica(h, findings);
}

/** The state a stored key was created with, as far as the stores still show it. */
function creation(stored: StoredKey): StoredState | undefined {
  return stored.events?.find((e) => e.type === 'insert')?.after ?? stored.primary ?? stored.replica;
}

/**
 * Every key: those the answers named, and those only the stores hold. A key
 * only the stores hold must be an unanswered create's (its content is unique
 * to it): then that create joins the key's history. Another acknowledged
 * create's content under a second key is that write stored twice; content no
 * create that could have been applied sent is a phantom.
 */
function keyHistories(
  model: ResourceModel,
  ops: readonly HistoryOp[],
  stored: ReadonlyMap<string, StoredKey>,
  findings: Findings,
): { explained: KeyHistory[]; count: number } {
  const byKey = new Map<string, HistoryOp[]>();
  for (const op of ops) {
    if (op.key !== undefined) byKey.set(op.key, [...(byKey.get(op.key) ?? []), op]);
  }
  const claimed = new Set<number>();
  let unexplained = 0;
  for (const [key, keyStored] of stored) {
    const known = byKey.get(key) ?? [];
    if (known.some((op) => op.kind === 'create' && op.outcome === 'ok')) continue;
    const born = creation(keyStored);
    const creates = ops.filter((op) => op.kind === 'create' && born && carries(op, born.fields));
    const at = { resource: model.name, key };
    const twice = creates.find((op) => op.outcome === 'ok' || claimed.has(op.id));
    const unanswered = creates.find((op) => op.outcome === 'info' && !claimed.has(op.id));
    if (unanswered) {
      claimed.add(unanswered.id);
      byKey.set(key, [{ ...unanswered, key }, ...known]);
    } else if (twice) {
      findings.add('duplicated', at, `${named(twice)} is stored under a second key`, twice);
      unexplained += 1;
    } else {
      const refused = creates.find((op) => op.outcome === 'fail');
      const what = refused
        ? `${named(refused)}'s, answered ${refused.status}`
        : 'no create sent it';
      findings.add('phantom', at, `a stored ${model.name} no write explains: ${what}`);
      unexplained += 1;
    }
  }
  const explained = [...byKey].map(([key, keyOps]) => ({
    model,
    resource: model.name,
    key,
    ops: [...keyOps].sort((a, b) => a.id - b.id),
    stored: stored.get(key),
  }));
  return { explained, count: explained.length + unexplained };
}

function counts(
  ops: readonly HistoryOp[],
  keys: number,
  found: readonly { kind: string }[],
): HistoryCounts {
  const of = (kind: string) => found.filter((f) => f.kind === kind).length;
  return {
    ops: ops.length,
    keys,
    acknowledged: ops.filter((op) => op.outcome === 'ok').length,
    lost: of('lost'),
    duplicated: of('duplicated'),
    reordered: of('reordered'),
    phantom: of('phantom'),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, n) => total + n, 0);
}
