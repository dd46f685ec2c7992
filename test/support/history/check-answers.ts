import { named, precedes, type Findings } from './findings.js';
import type { HistoryOp, ResourceModel, StoredKey } from './history.types.js';

/** One key's recorded ops (in send order) and what the stores hold for it. */
export interface KeyHistory {
  readonly model: ResourceModel;
  /** The model's name (where findings say they are). */
  readonly resource: string;
  readonly key: string;
  readonly ops: readonly HistoryOp[];
  readonly stored: StoredKey | undefined;
}

export const acknowledged = (h: KeyHistory) => h.ops.filter((op) => op.outcome === 'ok');
export const indeterminate = (h: KeyHistory) => h.ops.filter((op) => op.outcome === 'info');

/** The key's acknowledged ops in the order their answers' versions give, when all have one. */
export function versionOrder(h: KeyHistory): HistoryOp[] | undefined {
  const acked = acknowledged(h);
  if (acked.some((op) => op.version === undefined)) return undefined;
  return [...acked].sort((a, b) => a.version! - b.version! || a.id - b.id);
}

/**
 * What the answers alone must satisfy, before any store is read:
 * - no two acknowledged writes of one key answered with the same version
 *   (one version applied twice: duplicated);
 * - the create is version 1, and a write sent after another was answered has
 *   a higher version (one client's writes to a key strictly increase; so do
 *   any two that did not overlap): otherwise reordered;
 * - every acknowledged write of a versioned resource names its version.
 */
export function checkAnswers(h: KeyHistory, findings: Findings): void {
  const acked = acknowledged(h);
  const unversioned = acked.filter((op) => op.version === undefined);
  for (const op of unversioned) {
    findings.anomaly(
      `${h.model.name} ${h.key}: ${op.method} ${op.path} (#${op.id}) answered ${op.status} without a version`,
    );
  }
  const byVersion = new Map<number, HistoryOp>();
  for (const op of acked) {
    if (op.version === undefined) continue;
    const first = byVersion.get(op.version);
    if (first) {
      findings.add('duplicated', h, `${named(first)} and ${named(op)} answered one version`, op);
    } else byVersion.set(op.version, op);
    if (op.kind === 'create' && op.version !== 1) {
      findings.add('reordered', h, `create ${named(op)} is not version 1`, op);
    }
  }
  for (const later of acked) {
    const earlier = acked.find(
      (op) =>
        op.version !== undefined &&
        later.version !== undefined &&
        op.version > later.version &&
        precedes(op, later),
    );
    if (earlier) {
      findings.add(
        'reordered',
        h,
        `${named(later)} was sent after ${named(earlier)} was answered, with a lower version`,
        later,
      );
    }
  }
}
