import type { Connection, Model } from 'mongoose';
import type { Entity } from '../writes/write-jobs.js';
import { DURABLE_WRITE, replicaModels, type ReplicaDocument } from './replica-models.js';
import { KeyedQueue } from '../../infra/process/keyed-queue.js';
import type { AnyCreatedResource } from '../resources/created-resource.js';

/** One change to mirror: the row after the change (null when deleted) at its version. */
export interface ReplicaChange {
  /** The document's `_id`: an integer id, or a uuid for customers. */
  readonly key: number | string;
  readonly version: number;
  readonly after: Record<string, unknown> | null;
}

export interface ReplicaApplyResult {
  readonly written: number;
  /**
   * Changes older than (or equal to) the stored document: skipped on purpose.
   * Advisory after a fallback: a document the batch's own insert wrote first
   * counts as stale when the batch is re-applied.
   */
  readonly stale: number;
  /** Changes more than one version ahead of their stored copy: to apply once the ones between land. */
  readonly behind: ReadonlySet<ReplicaChange>;
}

type ChangeOutcome = 'written' | 'stale' | 'behind';

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
const KEY_FIELDS: ReadonlySet<string> = new Set(['id', 'uuid']);

/** The stored fields of a change: the row without its key, its version, and whether it is deleted. */
function fieldsOf({ version, after }: ReplicaChange): Record<string, unknown> {
  // A hard delete has no `after`; a soft delete (customers) has `after.deleted === true`.
  const deleted = after === null || after.deleted === true;
  // Copied field by field, not spread then `delete`d: a deleted key turns an object into a slow dictionary.
  const fields: Record<string, unknown> = {};
  if (after !== null) {
    for (const name of Object.keys(after)) if (!KEY_FIELDS.has(name)) fields[name] = after[name];
  }
  fields.version = version;
  fields.deleted = deleted;
  return fields;
}

function isDuplicateKey(error: unknown): boolean {
  const writeErrors = writeErrorsOf(error);
  if (writeErrors) return writeErrors.every((e) => e.code === DUPLICATE_KEY);
  return (error as WriteErrorLike)?.code === DUPLICATE_KEY;
}

function toDocument(change: ReplicaChange): ReplicaDocument {
  return { ...fieldsOf(change), _id: change.key } as ReplicaDocument;
}

/**
 * The only module that writes the Mongo copies. A change is written only over
 * a document with a lower version, so a stale or repeated event is skipped.
 *
 * A batch goes out as one unordered `insert` of whole documents: the common
 * case (new keys) is one command. Keys that are already stored fail with a
 * duplicate key and get a version-checked update each. Upserts are avoided on
 * purpose: FerretDB 1.24 (SQLite) answers an upsert that matches nothing by
 * scanning the collection (~0.5 s per document at a few thousand documents),
 * while inserts and updates by `_id` take milliseconds.
 */
export class ReplicaRepository {
  private readonly models: ReadonlyMap<Entity, Model<ReplicaDocument>>;
  /** One writer per document at a time: FerretDB's update matches, then writes, in two steps. */
  private readonly perDocument = new KeyedQueue();

  /** The copies of `resources` (the created resources a process runs) and of customers. */
  constructor(connection: Connection, resources: readonly AnyCreatedResource[]) {
    this.models = replicaModels(connection, resources);
  }

  /** The entities it keeps a copy of. */
  get entities(): Entity[] {
    return [...this.models.keys()];
  }

  private modelOf(entity: Entity): Model<ReplicaDocument> {
    const model = this.models.get(entity);
    if (!model) throw new Error(`no Mongo copy is kept of ${entity}`);
    return model;
  }

  /**
   * `jumpAhead`: a change that has waited long enough for the ones between
   * (one may never come: an event lost with a job that failed for good) is
   * written over the lower version it finds — it carries the whole row, so
   * the copy still ends equal to MySQL.
   */
  async applyChanges(
    entity: Entity,
    changes: readonly ReplicaChange[],
    options: { readonly jumpAhead?: boolean } = {},
  ): Promise<ReplicaApplyResult> {
    const newest = newestPerKey(changes);
    if (newest.length === 0) return { written: 0, stale: 0, behind: new Set() };
    const model = this.modelOf(entity);
    try {
      await model.insertMany(newest.map(toDocument), { ordered: false, lean: true });
      return { written: newest.length, stale: changes.length - newest.length, behind: new Set() };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    // Which documents that insert wrote is not knowable here: FerretDB 1.24 stops an
    // unordered insert at its first error, while the driver reports every document
    // without an error of its own as inserted. So every change of the batch is
    // applied again, each key's in version order (queued in that order, one at a
    // time per document) and different keys at once; each is idempotent.
    const ordered = [...changes].sort((a, b) => a.version - b.version);
    const outcomes = await Promise.all(
      ordered.map((change) =>
        this.perDocument.run(`${entity}:${change.key}`, () =>
          this.applyOne(model, change, options.jumpAhead === true),
        ),
      ),
    );
    const written = outcomes.filter((outcome) => outcome === 'written').length;
    const behind = new Set(ordered.filter((_, i) => outcomes[i] === 'behind'));
    return { written, stale: changes.length - written - behind.size, behind };
  }

  /**
   * One change on its copy, in version order: an update matches only the
   * version just before it, so copies move one version at a time and a late
   * or repeated change can never put an older version back (FerretDB matches,
   * then writes, in two steps: a "lower version" filter let a stale update
   * from another worker process overwrite a newer one). A key with no copy
   * yet takes the change whole (it carries the full row); a copy more than
   * one version behind waits. A change that jumps ahead is written over the
   * exact version it found lower, for the same reason.
   */
  private async applyOne(
    model: Model<ReplicaDocument>,
    change: ReplicaChange,
    jumpAhead: boolean,
  ): Promise<ChangeOutcome> {
    const { key, version } = change;
    const update = { $set: fieldsOf(change) };
    let over = version - 1;
    for (let round = 0; round < 3; round += 1) {
      const updated = await model
        .updateOne({ _id: key, version: over }, update, { writeConcern: DURABLE_WRITE })
        .exec();
      if (updated.matchedCount > 0) return 'written';
      const stored = await model.findById(key, { version: 1 }).lean<{ version: number }>().exec();
      if (stored) {
        if (stored.version >= version) return 'stale';
        if (!jumpAhead && stored.version !== version - 1) return 'behind';
        over = stored.version;
        continue;
      }
      try {
        await model.insertMany([toDocument(change)], { lean: true });
        return 'written';
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // Inserted meanwhile by another batch: look again.
      }
    }
    return 'behind';
  }

  async findById(entity: Entity, id: number | string): Promise<ReplicaDocument | null> {
    return this.modelOf(entity).findById(id).lean<ReplicaDocument>().exec();
  }

  async countByIds(entity: Entity, ids: readonly (number | string)[]): Promise<number> {
    return this.modelOf(entity)
      .countDocuments({ _id: { $in: ids } })
      .exec();
  }
}
