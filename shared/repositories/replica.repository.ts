import type { Connection, Model } from 'mongoose';
import type { Entity } from '../jobs/job-payloads.js';
import { JOURNALED, replicaModels, type ReplicaDocument } from './replica-models.js';

/** One change to mirror: the row after the change (null when deleted) at its version. */
export interface ReplicaChange {
  /** The document's `_id`: an integer id, or a uuid for customers. */
  readonly key: number | string;
  readonly version: number;
  readonly after: Record<string, unknown> | null;
  /** True when the change created the row: the document is then expected not to exist yet. */
  readonly isInsert?: boolean;
}

export interface ReplicaApplyResult {
  readonly written: number;
  /**
   * Changes skipped because the stored document was already at or past their
   * version — including, after a fallback, ones this call itself wrote first.
   */
  readonly stale: number;
}

const DUPLICATE_KEY = 11000;

interface WriteErrorLike {
  code?: number;
}

function writeErrorsOf(error: unknown): WriteErrorLike[] | undefined {
  const candidate = error as { writeErrors?: WriteErrorLike[] | WriteErrorLike };
  if (candidate?.writeErrors === undefined) return undefined;
  return Array.isArray(candidate.writeErrors) ? candidate.writeErrors : [candidate.writeErrors];
}

/** Keeps only the newest change of each key: older ones in the same batch are already stale. */
function newestPerKey(changes: readonly ReplicaChange[]): ReplicaChange[] {
  const newest = new Map<number | string, ReplicaChange>();
  for (const change of changes) {
    const seen = newest.get(change.key);
    if (!seen || seen.version < change.version) newest.set(change.key, change);
  }
  return [...newest.values()];
}

/** Fields that name the row in MySQL; in Mongo the key is `_id`. */
const KEY_FIELDS = ['id', 'uuid'] as const;

function toUpsert({ key, version, after }: ReplicaChange) {
  // A hard delete has no `after`; a soft delete (customers) has `after.deleted === true`.
  const deleted = after === null || after.deleted === true;
  const fields: Record<string, unknown> = { ...(after ?? {}), version, deleted };
  for (const field of KEY_FIELDS) delete fields[field];
  return {
    filter: { _id: key, version: { $lt: version } },
    update: { $set: fields },
    upsert: true,
  };
}

/** A whole new document: `_id` is the key, and the fields an upsert would `$set`. */
function toDocument(change: ReplicaChange): ReplicaDocument {
  return { _id: change.key, ...toUpsert(change).update.$set } as ReplicaDocument;
}

function isDuplicateKey(error: unknown): boolean {
  const writeErrors = writeErrorsOf(error);
  if (writeErrors) return writeErrors.every((e) => e.code === DUPLICATE_KEY);
  return (error as WriteErrorLike)?.code === DUPLICATE_KEY;
}

/**
 * The only module that writes the Mongo copies. Each change is an upsert that
 * matches only a document with a lower version: a newer (or equal) stored
 * document makes the upsert collide on `_id` (duplicate key), which is how a
 * stale or repeated event is recognised and skipped.
 *
 * Creations, the common case, go out as one unordered `insertMany` (FerretDB
 * answers that in one statement; a batch of upserts costs it one transaction
 * each). Other changes go out as one unordered bulk of upserts. If any write
 * in a batch collides, the batch is re-applied one change at a time as
 * version-checked upserts: FerretDB 1.24 stops an unordered bulk at its first
 * error, and every change is idempotent, so re-applying is safe on both
 * FerretDB and MongoDB.
 */
export class ReplicaRepository {
  private readonly models: Record<Entity, Model<ReplicaDocument>>;

  constructor(connection: Connection) {
    this.models = replicaModels(connection);
  }

  async applyChanges(
    entity: Entity,
    changes: readonly ReplicaChange[],
  ): Promise<ReplicaApplyResult> {
    const newest = newestPerKey(changes);
    const collapsed = changes.length - newest.length;
    if (newest.length === 0) return { written: 0, stale: 0 };
    const model = this.models[entity];
    const inserts = newest.filter((change) => change.isInsert === true && change.after !== null);
    const others = newest.filter((change) => !inserts.includes(change));
    try {
      if (inserts.length > 0) {
        // Journaled through the model's schema-level writeConcern (mongoose's insertMany
        // options have no per-call writeConcern); the wire test checks it.
        await model.insertMany(inserts.map(toDocument), { ordered: false, lean: true });
      }
      if (others.length > 0) {
        await model.bulkWrite(
          others.map((change) => ({ updateOne: toUpsert(change) })),
          { ordered: false, writeConcern: JOURNALED },
        );
      }
      return { written: newest.length, stale: collapsed };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    let written = 0;
    for (const change of newest) {
      const { filter, update, upsert } = toUpsert(change);
      try {
        await model.updateOne(filter, update, { upsert, writeConcern: JOURNALED }).exec();
        written += 1;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    return { written, stale: changes.length - written };
  }

  async findById(entity: Entity, id: number | string): Promise<ReplicaDocument | null> {
    return this.models[entity].findById(id).lean<ReplicaDocument>().exec();
  }

  async countByIds(entity: Entity, ids: readonly (number | string)[]): Promise<number> {
    return this.models[entity].countDocuments({ _id: { $in: ids } }).exec();
  }
}
