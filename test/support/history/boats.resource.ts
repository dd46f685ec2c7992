import type { Connections } from '../../../shared/infra/process/connections.js';
import { readRowsAndCopies } from './created.resources.js';
import type { Fields, ResourceModel, StoredState } from './history.types.js';
import {
  answerPart,
  pickFields,
  type AnswerFacts,
  type PlanContext,
  type PlannedRequest,
  type RawAnswer,
  type ResourceEntry,
} from './resource-entry.js';

/**
 * Boats (test/fixtures/boats): a created resource that takes changes, `PATCH
 * /boats/:id` (and `DELETE` when its descriptor says `changes.deletes`). The
 * MySQL row (with its version, and `deleted` once the table has the column)
 * is the primary; the Mongo document (`_id` = id) its replica. No change
 * events. `deleted` is compared like orders' and customers': a create sets it
 * false, a delete true.
 */
export const BOATS_MODEL = {
  name: 'boats',
  kind: 'versioned',
  fields: ['name', 'length_cm', 'deleted'],
  events: false,
  replica: true,
} as const satisfies ResourceModel;

/** A boats request: a `PlannedRequest` that always says its headers (`Prefer`, `If-Match`, or none). */
export interface BoatRequest extends PlannedRequest {
  readonly headers: Readonly<Record<string, string>>;
}

/** What the boats' plan needs beyond a `PlanContext`. */
export interface BoatPlanContext extends PlanContext {
  /** Whether the boats service takes `DELETE /boats/:id` (its descriptor's `changes.deletes`). */
  readonly deletes: boolean;
  /** The highest version any answer gave each key so far (what a matching `If-Match` names). */
  readonly versions: ReadonlyMap<string, number>;
}

/**
 * The boats' entry: a `ResourceEntry` but for the service (boats is no
 * HISTORY_SERVICES name: its service is started by the test itself) and the
 * plan, which takes the versions answered so far (for `If-Match`).
 */
export interface BoatsEntry extends Omit<ResourceEntry, 'service' | 'weight' | 'plan'> {
  plan(context: BoatPlanContext): BoatRequest;
  readAnswer(request: PlannedRequest, answer: RawAnswer): AnswerFacts;
}

/** `X-Job-Id: boats-<id>-v<version>`: the version a write was given. */
function jobVersion(header: string | string[] | undefined): number | undefined {
  const match = /-v(\d+)$/.exec(String(header ?? ''));
  return match ? Number(match[1]) : undefined;
}

/** `Prefer: wait=1..4` on some writes, `If-Match` (the key's last answered version, or older) on some changes. */
function headersFor(context: BoatPlanContext, key?: string): Record<string, string> {
  const { rng } = context;
  const headers: Record<string, string> = {};
  if (rng.chance(0.25)) headers.prefer = `wait=${rng.int(1, 4)}`;
  const known = key === undefined ? undefined : context.versions.get(key);
  if (known !== undefined && rng.chance(0.2)) {
    // Mostly the version last seen (stale by now if another client got there first), else an older one.
    const named = rng.chance(0.75) || known === 1 ? known : rng.int(1, known - 1);
    headers['if-match'] = `"${named}"`;
  }
  return headers;
}

function planCreate(context: BoatPlanContext): BoatRequest {
  const { id, tag } = context;
  // Values unique to the op: a stored name or length names the write that set it.
  const body = { name: `b-${tag}-${id}`, length_cm: id };
  const changes = { ...body, deleted: false };
  return {
    kind: 'create',
    method: 'POST',
    path: '/boats',
    body,
    changes,
    headers: headersFor(context),
  };
}

function planChange(context: BoatPlanContext): BoatRequest {
  const { rng, space, id, tag } = context;
  const key = space.pick(rng);
  const path = `/boats/${key}`;
  const headers = headersFor(context, key);
  const roll = rng.next();
  if (context.deletes && roll < 0.05) {
    return { kind: 'delete', key, method: 'DELETE', path, changes: { deleted: true }, headers };
  }
  if (roll < 0.08) {
    // Refused (400): a length the schema does not take, unique too, so storing it would be a phantom.
    const body = { name: `bad-${tag}-${id}`, length_cm: -id };
    return { kind: 'update', key, method: 'PATCH', path, body, changes: body, headers };
  }
  const fields = { name: `b-${tag}-${id}`, length_cm: id };
  const chosen = rng.some(Object.keys(fields) as (keyof typeof fields)[]);
  const body = Object.fromEntries(chosen.map((f) => [f, fields[f]]));
  return { kind: 'update', key, method: 'PATCH', path, body, changes: body, headers };
}

/** A stored boat (row or document) in the checker's terms: `deleted` false when not stored. */
function stateOf(record: Record<string, unknown>): StoredState {
  const fields: Fields = {
    name: record.name,
    length_cm: record.length_cm === undefined ? undefined : Number(record.length_cm),
    deleted: record.deleted === true || Number(record.deleted ?? 0) === 1,
  };
  return { version: Number(record.version ?? 1), fields };
}

export const boatsEntry: BoatsEntry = {
  model: BOATS_MODEL,
  keySpace: 5,

  plan(context) {
    // A few creates even with the key space full: keys keep being born while others are hot.
    const create = context.space.wantsCreate(context.rng) || context.rng.chance(0.07);
    return create ? planCreate(context) : planChange(context);
  },

  readAnswer(_request, answer) {
    if (answer.status < 200 || answer.status >= 300) return {};
    const boat = answerPart(answer.json, 'boat');
    const id = answerPart(boat, 'id');
    return {
      key: id === undefined ? undefined : String(id),
      version: jobVersion(answer.headers['x-job-id']),
      answered: pickFields(boat, BOATS_MODEL.fields),
    };
  },

  readStored(connections: Connections) {
    // `*`: the `deleted` column is read when the table has one.
    return readRowsAndCopies(connections, { table: 'boats', columns: '*', stateOf });
  },
};
