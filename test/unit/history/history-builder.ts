import type {
  Fields,
  HistoryOp,
  OpKind,
  Outcome,
  StoredEvent,
  StoredKey,
  StoredState,
} from '../../support/history/history.types.js';

/** Hand-made histories for the checker's tests: ops get ids and times in the order made. */
export class HistoryBuilder {
  readonly ops: HistoryOp[] = [];
  private clock = 1_000;

  /**
   * One request, sent now and answered `durationMs` later (the clock moves on
   * to its answer unless `overlap`, which lets the next op start before it).
   */
  op(spec: {
    resource: string;
    kind: OpKind;
    key?: string;
    changes: Fields;
    status?: number;
    version?: number;
    answered?: Fields;
    client?: number;
    overlap?: boolean;
  }): HistoryOp {
    const status = spec.status ?? 202;
    const sentAt = this.clock;
    const answeredAt = sentAt + 10;
    this.clock = spec.overlap ? sentAt + 1 : answeredAt + 1;
    const op: HistoryOp = {
      id: this.ops.length + 1,
      client: spec.client ?? 0,
      resource: spec.resource,
      kind: spec.kind,
      key: spec.key,
      method: spec.kind === 'create' ? 'POST' : 'PATCH',
      path: `/${spec.resource}/${spec.key ?? ''}`,
      changes: spec.changes,
      sentAt,
      answeredAt,
      status,
      outcome: outcomeOf(status),
      version: spec.version,
      answered: spec.answered,
    };
    this.ops.push(op);
    return op;
  }
}

function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 400 && status < 500) return 'fail';
  return 'info';
}

export function state(version: number, fields: Fields): StoredState {
  return { version, fields };
}

/** The events of a chain of states, v1 the insert. */
export function chain(states: readonly StoredState[], deletedAt?: number): StoredEvent[] {
  return states.map((after, i) => ({
    version: after.version,
    type: i === 0 ? 'insert' : after.version === deletedAt ? 'delete' : 'update',
    before: i === 0 ? null : states[i - 1]!,
    after,
  }));
}

/** `stored` as the checker takes it: resource → key → what the stores hold. */
export function storedOf(
  entries: Record<string, Record<string, StoredKey>>,
): ReadonlyMap<string, ReadonlyMap<string, StoredKey>> {
  return new Map(
    Object.entries(entries).map(([resource, keys]) => [resource, new Map(Object.entries(keys))]),
  );
}
