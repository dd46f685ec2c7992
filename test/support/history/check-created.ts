import { acknowledged, type KeyHistory } from './check-answers.js';
import { carries, differing, named, same, shown, type Findings } from './findings.js';

/**
 * A resource written once (users, listings, people): one acknowledged create
 * per id, its row holding what that create sent (and what its answer said).
 */
export function checkCreated(h: KeyHistory, findings: Findings): void {
  const acked = acknowledged(h);
  const [first] = acked;
  for (const op of acked.slice(1)) {
    findings.add('duplicated', h, `${named(op)} was answered the id of ${named(first!)}`, op);
  }
  const row = h.stored?.primary;
  if (!row) {
    for (const op of acked) findings.add('lost', h, `${named(op)}: no row`, op);
    return;
  }
  const create = first ?? h.ops.find((op) => op.kind === 'create' && op.outcome === 'info');
  if (create && !carries(create, row.fields)) {
    const differ = Object.keys(create.changes).filter(
      (f) => !same(row.fields[f], create.changes[f]),
    );
    findings.add(
      'phantom',
      h,
      `the row differs from what ${named(create)} sent: ${differ}`,
      create,
    );
  }
  for (const op of acked) {
    const differ = differing(
      h.model.fields.filter((f) => op.answered !== undefined && f in op.answered),
      op.answered ?? {},
      row.fields,
    );
    if (differ.length > 0) {
      findings.add('phantom', h, `the answer to ${named(op)} and the row differ on ${differ}`, op);
    }
  }
}

/**
 * The replica (Mongo's copy) converged to the primary: same version, same
 * fields. Behind is a lost write of the replica; ahead or different, a phantom.
 */
export function checkReplica(h: KeyHistory, findings: Findings): void {
  const primary = h.stored?.primary;
  const replica = h.stored?.replica;
  if (!primary) {
    if (replica) findings.add('phantom', h, `a replica at v${replica.version} and no primary`);
    return;
  }
  if (!replica) {
    findings.add('lost', h, `no replica of v${primary.version}`);
  } else if (replica.version < primary.version) {
    findings.add(
      'lost',
      h,
      `the replica is at v${replica.version}, the primary v${primary.version}`,
    );
  } else if (replica.version > primary.version) {
    findings.add(
      'phantom',
      h,
      `the replica is at v${replica.version}, the primary v${primary.version}`,
    );
  } else {
    const differ = differing(h.model.fields, primary.fields, replica.fields);
    if (differ.length > 0) {
      const what = differ.map(
        (f) => `${f} ${shown(replica.fields[f])} ≠ ${shown(primary.fields[f])}`,
      );
      findings.add('phantom', h, `the replica differs at v${primary.version}: ${what.join(', ')}`);
    }
  }
}
