import type { RowDataPacket } from 'mysql2/promise';
import type { Connections } from '../../../shared/infra/process/connections.js';
import type { Fields, ResourceModel, StoredKey, StoredState } from './history.types.js';
import type { HistoryService } from './pipeline-launcher.js';
import { answerPart, pickFields, type PlanContext, type ResourceEntry } from './resource-entry.js';
import { RESOURCE_MODELS } from './resource-models.js';

/**
 * A resource that is only created (users, listings, people): one POST, one
 * MySQL row and one Mongo copy per id, both at version 1.
 */
/**
 * What the stores hold of a MySQL resource replicated to Mongo, by key: each
 * row (its `columns`) and each document of the same name, as `stateOf` reads them.
 */
export async function readRowsAndCopies(
  connections: Connections,
  read: {
    readonly table: string;
    readonly columns: string;
    stateOf(record: Record<string, unknown>): StoredState;
  },
): Promise<Map<string, StoredKey>> {
  const [rows] = await connections.mysql.query<RowDataPacket[]>(
    `SELECT ${read.columns} FROM ${read.table}`,
  );
  const documents = await connections.mongo.db!.collection(read.table).find({}).toArray();
  const stored = new Map<string, StoredKey>();
  for (const row of rows) stored.set(String(row.id), { primary: read.stateOf(row) });
  for (const doc of documents) {
    const key = String(doc._id);
    stored.set(key, { ...stored.get(key), replica: read.stateOf(doc) });
  }
  return stored;
}

function createdResource(spec: {
  model: ResourceModel;
  service: HistoryService;
  /** The answer's field holding the resource (`user`). */
  field: string;
  table: string;
  body(context: PlanContext): Fields;
}): ResourceEntry {
  const { model } = spec;
  const stateOf = (record: Record<string, unknown>) => ({
    version: Number(record.version ?? 1),
    fields: Object.fromEntries(
      model.fields.map((f) => [f, typeof record[f] === 'bigint' ? Number(record[f]) : record[f]]),
    ),
  });
  return {
    model,
    service: spec.service,
    weight: 10,
    keySpace: 0,
    plan(context) {
      const body = spec.body(context);
      return { kind: 'create', method: 'POST', path: `/${spec.service}`, body, changes: body };
    },
    readAnswer(_request, answer) {
      if (answer.status < 200 || answer.status >= 300) return {};
      const resource = answerPart(answer.json, spec.field);
      const id = answerPart(resource, 'id');
      return {
        key: id === undefined ? undefined : String(id),
        version: 1,
        answered: pickFields(resource, model.fields),
      };
    },
    readStored(connections: Connections) {
      return readRowsAndCopies(connections, {
        table: spec.table,
        columns: `id, version, ${model.fields.join(', ')}`,
        stateOf,
      });
    },
  };
}

export const usersResource = createdResource({
  model: RESOURCE_MODELS.users,
  service: 'users',
  field: 'user',
  table: 'users',
  body: ({ id, tag }) => ({ name: `h-${tag}-${id}` }),
});

export const listingsResource = createdResource({
  model: RESOURCE_MODELS.listings,
  service: 'listings',
  field: 'listing',
  table: 'listings',
  // user_id and price are the op's id: unique, so a row names its write.
  body: ({ id, rng }) => ({ user_id: id, listing_type: rng.pick(['rent', 'sale']), price: id }),
});

export const peopleResource = createdResource({
  model: RESOURCE_MODELS.people,
  service: 'people',
  field: 'person',
  table: 'people',
  body: ({ id, tag, rng }) => ({ first: `f-${tag}-${id}`, last: `l-${tag}`, age: rng.int(0, 150) }),
});
