import { Schema, type Connection, type Model } from 'mongoose';
import type { Entity } from '../writes/write-jobs.js';
import type { AnyCreatedResource } from '../resources/created-resource.js';

/**
 * Journaled, majority-acknowledged writes are part of each model, so no write
 * can forget them. On a replica set an acknowledged write then survives a
 * primary failover; on a single server (and FerretDB) the majority is that
 * server, so it costs nothing there. `wtimeout`: a set that has lost its
 * majority fails the write after 10 s (the job retries with backoff) instead
 * of holding it, and the worker's batch, forever.
 */
const DURABLE_WRITE = { w: 'majority', j: true, wtimeout: 10_000 } as const;

export interface ReplicaDocument {
  /** The entity's key: an integer id (users, listings) or a uuid string (customers). */
  _id: number | string;
  version: number;
  deleted?: boolean;
  [field: string]: unknown;
}

/** Income stays a string: the exact DECIMAL text from MySQL, never a double. */
const customerDocumentSchema = new Schema(
  {
    _id: { type: String, required: true },
    username: String,
    address: String,
    income: String,
    name: { type: String, default: null },
    email: { type: String, default: null },
    phone: { type: String, default: null },
    created_at: Number,
    updated_at: Number,
    version: { type: Number, required: true },
    deleted: Boolean,
  },
  { collection: 'customers', versionKey: false, writeConcern: DURABLE_WRITE, strict: true },
);

/** A JSON Schema property's Mongo type: integers are numbers, text and dates are strings. */
function mongoTypeOf(property: object): typeof Number | typeof String | typeof Boolean {
  const schema = property as { type?: string; anyOf?: object[] };
  const type =
    schema.type ??
    schema.anyOf?.map((s) => (s as { type?: string }).type).find((t) => t !== 'null');
  if (type === 'integer' || type === 'number') return Number;
  if (type === 'boolean') return Boolean;
  return String;
}

/** A created resource's Mongo document: its stored fields, keyed by its integer id. */
function createdDocumentSchema(resource: AnyCreatedResource): Schema {
  const fields = Object.entries(resource.resourceSchema.properties)
    .filter(([field]) => field !== 'id')
    .map(([field, property]) => [field, mongoTypeOf(property)]);
  return new Schema(
    {
      _id: { type: Number, required: true },
      ...Object.fromEntries(fields),
      version: { type: Number, required: true },
      deleted: Boolean,
    },
    { collection: resource.entity, versionKey: false, writeConcern: DURABLE_WRITE, strict: true },
  );
}

/** A model on this connection, made once: mongoose refuses a second model of one name. */
function modelOf(connection: Connection, name: string, schema: Schema): Model<ReplicaDocument> {
  return (
    (connection.models[name] as Model<ReplicaDocument> | undefined) ??
    connection.model<ReplicaDocument>(name, schema)
  );
}

/** The Mongo copy of each entity (every created resource, and customers), one model per collection. */
export function replicaModels(
  connection: Connection,
  resources: readonly AnyCreatedResource[],
): ReadonlyMap<Entity, Model<ReplicaDocument>> {
  return new Map([
    ...resources.map(
      (resource) =>
        [
          resource.entity,
          modelOf(connection, resource.entity, createdDocumentSchema(resource)),
        ] as const,
    ),
    ['customers', modelOf(connection, 'Customer', customerDocumentSchema)] as const,
  ]);
}

export { DURABLE_WRITE };
