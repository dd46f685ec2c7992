import type { Connections } from '../../../shared/infra/process/connections.js';
import { ORDER_STATUSES } from '../../../shared/domain/schemas/order.schema.js';
import type { StoredKey } from './history.types.js';
import {
  answerPart,
  pickFields,
  versionOf,
  type PlanContext,
  type PlannedRequest,
  type ResourceEntry,
} from './resource-entry.js';
import { RESOURCE_MODELS } from './resource-models.js';

const MODEL = RESOURCE_MODELS.orders;

/** Field values unique to the op: the stored document names the write that set each one. */
function fieldsFor({ rng, id, tag }: PlanContext) {
  return {
    vehicle_manufacturer: `vm-${tag}-${id}`,
    model: `m-${tag}-${id}`,
    total_price: id + 0.5,
    status: rng.pick(ORDER_STATUSES),
  };
}

function planChange(context: PlanContext): PlannedRequest {
  const { rng, space } = context;
  const roll = rng.next();
  const key = roll < 0.04 && space.gone.length > 0 ? rng.pick(space.gone) : space.pick(rng);
  const fields = fieldsFor(context);
  if (roll < 0.6) {
    const chosen = rng.some(Object.keys(fields) as (keyof typeof fields)[]);
    const body = Object.fromEntries(chosen.map((f) => [f, fields[f]]));
    return { kind: 'update', key, method: 'PATCH', path: `/orders/${key}`, body, changes: body };
  }
  if (roll < 0.85) {
    // The legacy full replacement: status is kept when a legacy client leaves it out.
    const { status, ...rest } = fields;
    const body = rng.chance(0.5) ? { ...rest, status } : rest;
    return {
      kind: 'replace',
      key,
      method: 'PUT',
      path: `/api/vehicle/order/${key}`,
      body: rng.chance(0.3) ? { _id: key, ...body } : body,
      changes: body,
    };
  }
  return {
    kind: 'delete',
    key,
    method: 'DELETE',
    path: `/orders/${key}`,
    changes: { deleted: true },
  };
}

/** The legacy PUT's `ETag: "<version>"`. */
function etagVersion(header: string | string[] | undefined): number | undefined {
  const match = /^(?:W\/)?"(\d+)"$/.exec(String(header ?? ''));
  return match ? Number(match[1]) : undefined;
}

/** Orders (§2.5): POST, PATCH, legacy PUT and DELETE; stored as one Mongo document each. */
export const ordersResource: ResourceEntry = {
  model: MODEL,
  service: 'orders',
  weight: 35,
  keySpace: 10,

  plan(context) {
    if (!context.space.wantsCreate(context.rng)) return planChange(context);
    const { status, ...fields } = fieldsFor(context);
    // Half the creates leave status out: it is `new` by default.
    const body = context.rng.chance(0.5) ? fields : { ...fields, status };
    const changes = { status: 'new', ...body, deleted: false };
    return { kind: 'create', method: 'POST', path: '/orders', body, changes };
  },

  readAnswer(request, answer) {
    if (answer.status < 200 || answer.status >= 300) return {};
    if (request.kind === 'replace') return { version: etagVersion(answer.headers.etag) };
    const order = answerPart(answer.json, 'order');
    const key = answerPart(order, 'id');
    return {
      key: typeof key === 'string' ? key : undefined,
      version: versionOf(order),
      answered: pickFields(order, MODEL.fields),
    };
  },

  async readStored(connections: Connections) {
    const documents = await connections.mongo.db!.collection('orders').find({}).toArray();
    const stored = new Map<string, StoredKey>();
    for (const doc of documents) {
      const fields = { ...pickFields(doc, MODEL.fields), deleted: doc.deleted === true };
      stored.set(String(doc._id), { primary: { version: Number(doc.version), fields } });
    }
    return stored;
  },
};
