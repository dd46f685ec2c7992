// The vocabulary of the history checker (SPEC §9, "Proof"): what one request
// and its answer look like once recorded, what the stores hold afterwards, and
// what the checker finds. Pure data: the checker reads nothing else.

/**
 * What an answer says about a write (Jepsen's ok / fail / info):
 * - `ok`: 2xx, acknowledged: it must be applied, once, in its order;
 * - `fail`: 4xx, definitely not applied (404 on a deleted key, 409 taken username, 400);
 * - `info`: 5xx, a timeout or a network error: it may or may not have been applied.
 */
export type Outcome = 'ok' | 'fail' | 'info';

/** The write kinds the clients send; `replace` is the legacy full PUT, `rename` a username change. */
export type OpKind = 'create' | 'update' | 'replace' | 'rename' | 'delete';

/** Field name → value, as sent, answered or stored (`deleted` included for versioned resources). */
export type Fields = Readonly<Record<string, unknown>>;

/** One request and its answer, as the clients recorded it. */
export interface HistoryOp {
  /** Position in the order requests were sent, over the whole run (unique). */
  readonly id: number;
  readonly client: number;
  readonly resource: string;
  readonly kind: OpKind;
  /** The key written; for a create, the one its answer named (undefined when none came). */
  readonly key: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  /**
   * The fields this write sets if it is applied: a create every field (and
   * `deleted: false`), an update what it sent, a delete `deleted: true`.
   * Every run writes values unique to the op (its id is in them), so a stored
   * value names the write that put it there.
   */
  readonly changes: Fields;
  /** ms since the epoch. */
  readonly sentAt: number;
  /** ms since the epoch; for a request that got no answer, when the client gave up. */
  readonly answeredAt: number;
  /** HTTP status; 0 when no answer came (timeout, connection error). */
  readonly status: number;
  readonly outcome: Outcome;
  /** The version the answer gave (resource `version`, or the legacy PUT's ETag). */
  readonly version?: number;
  /** The resource in the answer, by the resource model's field names (absent for a 204). */
  readonly answered?: Fields;
  /** The raw answer body (parsed JSON when it was JSON). */
  readonly answer?: unknown;
  readonly error?: string;
}

/** A record as one store holds it: its version and its fields. */
export interface StoredState {
  readonly version: number;
  readonly fields: Fields;
}

/** One change event (customers' `customer_events`): `before` is null for the insert. */
export interface StoredEvent {
  readonly version: number;
  readonly type: 'insert' | 'update' | 'delete';
  readonly before: StoredState | null;
  readonly after: StoredState;
}

/** What the stores hold for one key. */
export interface StoredKey {
  /** The system of record: the MySQL row (Mongo's document for orders). */
  readonly primary?: StoredState;
  /** The copy that must converge to the primary (Mongo's document for MySQL resources). */
  readonly replica?: StoredState;
  /** The key's change events, when the resource keeps them. */
  readonly events?: readonly StoredEvent[];
}

/** What the checker needs to know about a resource. */
export interface ResourceModel {
  readonly name: string;
  /** `versioned`: created, updated and deleted, one version per write; `created`: written once. */
  readonly kind: 'versioned' | 'created';
  /** The fields compared between the fold, the answers and the stores. */
  readonly fields: readonly string[];
  /** Whether the primary store keeps change events (1..n per key, chained). */
  readonly events: boolean;
  /** Whether a replica must converge to the primary. */
  readonly replica: boolean;
}

/** The four ways a history can be wrong (/work/shared/NOTES.md, "Jepsen-style checking"). */
export type FindingKind = 'lost' | 'duplicated' | 'reordered' | 'phantom';

export interface Finding {
  readonly kind: FindingKind;
  readonly resource: string;
  readonly key: string;
  /** The op the finding is about, when there is one. */
  readonly op?: number;
  readonly detail: string;
}

/** One row of the table: counts per run (or per resource). */
export interface HistoryCounts {
  readonly ops: number;
  readonly keys: number;
  readonly acknowledged: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly reordered: number;
  readonly phantom: number;
}

export interface CheckResult extends HistoryCounts {
  readonly findings: readonly Finding[];
  /**
   * Broken promises that are none of the four kinds but leave the checker
   * unable to prove them absent (an acknowledged update answered without its
   * version cannot be placed in the key's order).
   */
  readonly anomalies: readonly string[];
  /** Counts per resource, for the diagnosis of a failed run. */
  readonly byResource: Readonly<Record<string, HistoryCounts>>;
}
