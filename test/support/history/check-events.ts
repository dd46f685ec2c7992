import { acknowledged, type KeyHistory } from './check-answers.js';
import { carries, differing, named, precedes, same, shown, type Findings } from './findings.js';
import type { HistoryOp, ResourceModel, StoredEvent } from './history.types.js';

/**
 * A key whose store keeps its change events (customers): the events are the
 * applied history. They must run 1..n, each starting where the previous one
 * ended; each must be the effect of exactly one write that was sent and not
 * refused; each acknowledged write must have its event, at the version its
 * answer gave, in an order real time allows, with the answer's resource equal
 * to the event's `after`; and the row must be the last event's `after`.
 */
export function checkEvents(h: KeyHistory, findings: Findings): void {
  const events = [...(h.stored?.events ?? [])].sort((a, b) => a.version - b.version);
  checkChain(h, events, findings);
  const eventOf = attribute(h, events, findings);
  for (const op of acknowledged(h)) checkApplied(h, op, eventOf, findings);
  checkRow(h, events, findings);
}

function checkChain(h: KeyHistory, events: readonly StoredEvent[], findings: Findings): void {
  let previous: StoredEvent | undefined;
  for (const event of events) {
    const at = previous?.version ?? 0;
    if (event.version === at) {
      findings.add('duplicated', h, `two events of version ${at}`);
    } else if (event.version > at + 1) {
      findings.add('lost', h, `no event of version ${at + 1} (the next is v${event.version})`);
    }
    if (event.type === 'insert' && previous) {
      findings.add('duplicated', h, `a second insert event, v${event.version}`);
    }
    if (event.after.version !== event.version) {
      findings.add('phantom', h, `event v${event.version} leaves v${event.after.version}`);
    }
    if (previous && event.before) {
      const moved = differing(h.model.fields, previous.after.fields, event.before.fields);
      if (moved.length > 0 || event.before.version !== previous.after.version) {
        findings.add(
          'phantom',
          h,
          `event v${event.version} starts from a state event v${previous.version} did not leave` +
            ` (${moved.map((f) => `${f}: ${shown(event.before!.fields[f])}`).join(', ')})`,
        );
      }
    }
    previous = event;
  }
}

/** The sent write an event is the effect of. */
function explains(model: ResourceModel, op: HistoryOp, event: StoredEvent): boolean {
  if (event.type === 'insert') return op.kind === 'create' && carries(op, event.after.fields);
  if (event.type === 'delete') return op.kind === 'delete';
  if (op.kind === 'create' || op.kind === 'delete' || !event.before) return false;
  const changed = differing(model.fields, event.before.fields, event.after.fields);
  return carries(op, event.after.fields) && changed.every((field) => field in op.changes);
}

/** Each event's write: the acknowledged one of its version first, then any other not yet used. */
function attribute(
  h: KeyHistory,
  events: readonly StoredEvent[],
  findings: Findings,
): Map<number, StoredEvent> {
  const eventOf = new Map<number, StoredEvent>();
  for (const event of events) {
    const candidates = h.ops.filter((op) => explains(h.model, op, event));
    const unused = candidates.filter((op) => op.outcome !== 'fail' && !eventOf.has(op.id));
    const choice =
      unused.find((op) => op.outcome === 'ok' && op.version === event.version) ??
      unused.find((op) => op.outcome === 'ok') ??
      unused[0];
    if (choice) {
      eventOf.set(choice.id, event);
      continue;
    }
    const again = candidates.find((op) => eventOf.has(op.id));
    if (again) {
      const first = eventOf.get(again.id)!.version;
      const detail = `event v${event.version} applies ${named(again)} again (first as v${first})`;
      findings.add('duplicated', h, detail, again);
      continue;
    }
    const refused = candidates.find((op) => op.outcome === 'fail');
    findings.add(
      'phantom',
      h,
      `event v${event.version} (${event.type}) ` +
        (refused
          ? `applies ${named(refused)}, answered ${refused.status}`
          : 'is no write a client sent'),
    );
  }
  return eventOf;
}

function checkApplied(
  h: KeyHistory,
  op: HistoryOp,
  eventOf: ReadonlyMap<number, StoredEvent>,
  findings: Findings,
): void {
  const event = eventOf.get(op.id);
  if (!event) {
    findings.add('lost', h, `${named(op)} (${op.kind}) was acknowledged; no event applies it`, op);
    return;
  }
  if (op.version !== undefined && op.version !== event.version) {
    findings.add('reordered', h, `${named(op)} was applied as v${event.version}`, op);
  }
  const overtaken = acknowledged(h).find((other) => {
    const before = eventOf.get(other.id);
    return before !== undefined && precedes(other, op) && before.version > event.version;
  });
  if (overtaken) {
    const detail = `${named(op)} was applied before ${named(overtaken)}, answered before it was sent`;
    findings.add('reordered', h, detail, op);
  }
  for (const field of h.model.fields) {
    if (!op.answered || !(field in op.answered)) continue;
    const actual = op.answered[field];
    if (same(actual, event.after.fields[field])) continue;
    const source = h.ops.find((o) => field in o.changes && same(o.changes[field], actual));
    findings.add(
      source ? 'reordered' : 'phantom',
      h,
      `the answer to ${named(op)} says ${field}=${shown(actual)}; its event v${event.version} ` +
        `leaves ${shown(event.after.fields[field])}`,
      op,
    );
  }
}

function checkRow(h: KeyHistory, events: readonly StoredEvent[], findings: Findings): void {
  const row = h.stored?.primary;
  const last = events.at(-1);
  if (!row || !last) {
    if (row) findings.add('phantom', h, `a row at v${row.version} with no event`);
    else if (last) findings.add('lost', h, `events up to v${last.version} and no row`);
    return;
  }
  if (row.version < last.version) {
    findings.add('lost', h, `the row is at v${row.version}; the events reach v${last.version}`);
  } else if (row.version > last.version) {
    findings.add('phantom', h, `the row is at v${row.version}; no event after v${last.version}`);
  } else {
    const differ = differing(h.model.fields, row.fields, last.after.fields);
    if (differ.length > 0) {
      findings.add('phantom', h, `the row and event v${last.version} differ on ${differ}`);
    }
  }
}
