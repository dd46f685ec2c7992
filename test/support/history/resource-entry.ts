import type { Connections } from '../../../shared/infra/process/connections.js';
import type { Fields, HistoryOp, OpKind, ResourceModel, StoredKey } from './history.types.js';
import type { HistoryService } from './pipeline-launcher.js';
import type { SeededRandom } from './seeded-random.js';

/** One request a client is about to send. */
export interface PlannedRequest {
  readonly kind: OpKind;
  /** The key written (undefined for a create: the answer names it). */
  readonly key?: string;
  readonly method: 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: Record<string, unknown>;
  /** Request headers besides the content type (`Prefer`, `If-Match`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** What the write sets if applied (see HistoryOp.changes). */
  readonly changes: Fields;
}

/** An answer as the client got it (status 0: none came). */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly json?: unknown;
  readonly error?: string;
}

/** What an answer says about the write, in the checker's terms. */
export interface AnswerFacts {
  readonly key?: string;
  readonly version?: number;
  readonly answered?: Fields;
}

/**
 * The keys of one resource that the clients share: those created (answered
 * 2xx) and not known deleted, with the fields last answered for each. Small
 * on purpose, so several clients write to one key at once.
 */
export class KeySpace {
  readonly live = new Map<string, Fields>();
  readonly gone: string[] = [];

  constructor(readonly target: number) {}

  /** Below its target size, a client creates a key rather than writing to one. */
  wantsCreate(rng: SeededRandom): boolean {
    if (this.live.size === 0) return true;
    return this.live.size < this.target && rng.chance(0.5);
  }

  pick(rng: SeededRandom): string {
    return rng.pick([...this.live.keys()]);
  }

  /** Learns from an answer: a created key joins, a deleted (or 404) one leaves. */
  learn(op: HistoryOp): void {
    if (op.key === undefined) return;
    if (op.outcome === 'ok' && op.kind !== 'delete') {
      this.live.set(op.key, { ...this.live.get(op.key), ...op.changes, ...op.answered });
    } else if ((op.outcome === 'ok' && op.kind === 'delete') || op.status === 404) {
      if (this.live.delete(op.key)) this.gone.push(op.key);
    }
  }
}

/** What a resource's generator is given to plan its next request. */
export interface PlanContext {
  readonly rng: SeededRandom;
  /** The op's id (every value the op writes carries it, so a stored value names its op). */
  readonly id: number;
  /** Unique to the run, in every value too. */
  readonly tag: string;
  readonly space: KeySpace;
}

/**
 * One resource of the history (the catalogue's entry): how clients write it,
 * how its answers read, and how its stored state is read back. A new resource
 * is one more entry.
 */
export interface ResourceEntry {
  readonly model: ResourceModel;
  readonly service: HistoryService;
  /** Relative share of the clients' requests. */
  readonly weight: number;
  /** How many live keys the clients share (versioned resources). */
  readonly keySpace: number;
  plan(context: PlanContext): PlannedRequest;
  readAnswer(request: PlannedRequest, answer: RawAnswer): AnswerFacts;
  /** Every key the stores hold for this resource (the stores were emptied before the run). */
  readStored(connections: Connections): Promise<Map<string, StoredKey>>;
}

/** The named fields of an object (an answer's resource), those present only. */
export function pickFields(source: unknown, fields: readonly string[]): Fields | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const record = source as Record<string, unknown>;
  return Object.fromEntries(fields.filter((f) => f in record).map((f) => [f, record[f]]));
}

/** `json[field]` when the answer is an object. */
export function answerPart(json: unknown, field: string): unknown {
  return typeof json === 'object' && json !== null
    ? (json as Record<string, unknown>)[field]
    : undefined;
}

/** A numeric `version` of an answered resource. */
export function versionOf(resource: unknown): number | undefined {
  const version = answerPart(resource, 'version');
  return typeof version === 'number' ? version : undefined;
}
