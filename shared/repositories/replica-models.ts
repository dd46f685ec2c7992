import { Schema, type Connection, type Model } from 'mongoose';
import type { Entity } from '../jobs/job-payloads.js';

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

const userDocumentSchema = new Schema(
  {
    _id: { type: Number, required: true },
    name: String,
    created_at: Number,
    updated_at: Number,
    version: { type: Number, required: true },
    deleted: Boolean,
  },
  { collection: 'users', versionKey: false, writeConcern: DURABLE_WRITE, strict: true },
);

const listingDocumentSchema = new Schema(
  {
    _id: { type: Number, required: true },
    user_id: Number,
    listing_type: String,
    price: Number,
    created_at: Number,
    updated_at: Number,
    version: { type: Number, required: true },
    deleted: Boolean,
  },
  { collection: 'listings', versionKey: false, writeConcern: DURABLE_WRITE, strict: true },
);

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

const personDocumentSchema = new Schema(
  {
    _id: { type: Number, required: true },
    first: String,
    last: String,
    age: Number,
    github_acct: String,
    third_grade_graduation: String,
    version: { type: Number, required: true },
    deleted: Boolean,
  },
  { collection: 'people', versionKey: false, writeConcern: DURABLE_WRITE, strict: true },
);

/** The Mongo copy of each entity, one model per collection on the given connection. */
export function replicaModels(connection: Connection): Record<Entity, Model<ReplicaDocument>> {
  return {
    users: connection.model<ReplicaDocument>('User', userDocumentSchema),
    listings: connection.model<ReplicaDocument>('Listing', listingDocumentSchema),
    customers: connection.model<ReplicaDocument>('Customer', customerDocumentSchema),
    people: connection.model<ReplicaDocument>('Person', personDocumentSchema),
  };
}

export { DURABLE_WRITE };
