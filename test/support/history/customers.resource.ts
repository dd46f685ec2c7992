import type { RowDataPacket } from 'mysql2/promise';
import type { Connections } from '../../../shared/infra/process/connections.js';
import type { StoredEvent, StoredKey, StoredState } from './history.types.js';
import {
  answerPart,
  pickFields,
  versionOf,
  type PlanContext,
  type PlannedRequest,
  type ResourceEntry,
} from './resource-entry.js';
import { RESOURCE_MODELS } from './resource-models.js';

const MODEL = RESOURCE_MODELS.customers;

/** Values unique to the op (income in its exact canonical text, as MySQL returns it). */
function valuesFor({ id, tag }: PlanContext) {
  return {
    username: `u-${tag}-${id}`,
    address: `a-${tag}-${id}`,
    income: `${id}.25`,
    name: `n-${tag}-${id}`,
    email: `e-${tag}-${id}@example.com`,
    phone: `p-${tag}-${id}`,
  };
}

/** A username change; one in four asks for another live customer's name (409 expected). */
function planRename(context: PlanContext, key: string): PlannedRequest {
  const { rng, space } = context;
  const others = [...space.live].filter(([other]) => other !== key);
  const taken = others.length > 0 && rng.chance(0.25) ? rng.pick(others)[1].username : undefined;
  const body = { username: typeof taken === 'string' ? taken : valuesFor(context).username };
  return { kind: 'rename', key, method: 'PATCH', path: `/customers/${key}`, body, changes: body };
}

function planChange(context: PlanContext): PlannedRequest {
  const { rng, space } = context;
  const roll = rng.next();
  const key = roll < 0.04 && space.gone.length > 0 ? rng.pick(space.gone) : space.pick(rng);
  if (roll < 0.6) {
    const { username: _username, ...values } = valuesFor(context);
    const chosen = rng.some(Object.keys(values) as (keyof typeof values)[]);
    const body = Object.fromEntries(chosen.map((f) => [f, values[f]]));
    return { kind: 'update', key, method: 'PATCH', path: `/customers/${key}`, body, changes: body };
  }
  if (roll < 0.85) return planRename(context, key);
  const path = `/customers/${key}`;
  return { kind: 'delete', key, method: 'DELETE', path, changes: { deleted: true } };
}

function stateOf(record: Record<string, unknown>): StoredState {
  return {
    version: Number(record.version),
    fields: {
      ...pickFields(record, MODEL.fields),
      income: String(record.income),
      deleted: Boolean(record.deleted),
    },
  };
}

/** MariaDB sends JSON columns as text; MySQL 8 parses them. */
function jsonColumn(value: unknown): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  return (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
}

async function readEvents(connections: Connections): Promise<Map<string, StoredEvent[]>> {
  const [rows] = await connections.mysql.query<RowDataPacket[]>(
    'SELECT customer_uuid, version, type, before_row, after_row FROM customer_events',
  );
  const events = new Map<string, StoredEvent[]>();
  for (const row of rows) {
    const before = jsonColumn(row.before_row);
    const event: StoredEvent = {
      version: Number(row.version),
      type: row.type as StoredEvent['type'],
      before: before ? stateOf(before) : null,
      after: stateOf(jsonColumn(row.after_row) ?? {}),
    };
    events.set(row.customer_uuid, [...(events.get(row.customer_uuid) ?? []), event]);
  }
  return events;
}

/** Customers (§2.4): POST, PATCH (fields or username), DELETE; MySQL row, events, Mongo copy. */
export const customersResource: ResourceEntry = {
  model: MODEL,
  service: 'customers',
  weight: 35,
  keySpace: 10,

  plan(context) {
    if (!context.space.wantsCreate(context.rng)) return planChange(context);
    const { email: _email, phone: _phone, ...body } = valuesFor(context);
    const changes = { ...body, email: null, phone: null, deleted: false };
    return { kind: 'create', method: 'POST', path: '/customers', body, changes };
  },

  readAnswer(_request, answer) {
    if (answer.status < 200 || answer.status >= 300) return {};
    const customer = answerPart(answer.json, 'customer');
    const key = answerPart(customer, 'uuid');
    return {
      key: typeof key === 'string' ? key : undefined,
      version: versionOf(customer),
      answered: pickFields(customer, MODEL.fields),
    };
  },

  async readStored(connections) {
    const [rows] = await connections.mysql.query<RowDataPacket[]>(
      'SELECT uuid, username, address, income, name, email, phone, deleted, version FROM customers',
    );
    const events = await readEvents(connections);
    const documents = await connections.mongo.db!.collection('customers').find({}).toArray();
    const replicas = new Map(documents.map((doc) => [String(doc._id), stateOf(doc)]));
    const stored = new Map<string, StoredKey>();
    const keys = new Set([
      ...rows.map((row) => String(row.uuid)),
      ...events.keys(),
      ...replicas.keys(),
    ]);
    const primaries = new Map(rows.map((row) => [String(row.uuid), stateOf(row)]));
    for (const key of keys) {
      stored.set(key, {
        primary: primaries.get(key),
        replica: replicas.get(key),
        events: events.get(key) ?? [],
      });
    }
    return stored;
  },
};
