import type { Entity } from '../writes/write-jobs.js';
import type { VersionedWrite } from '../../infra/queues/key-heads.js';
import type { MysqlPool } from '../../infra/databases/mysql-pool.js';
import {
  CreatedResourceRepository,
  type SqlMapping,
} from '../repositories/created-resource.repository.js';

/** What persists one write of a created resource: the resource and its version. */
export interface VersionedResource<R> {
  readonly resource: R;
  readonly version: number;
}

/**
 * The persist job of a created resource: `{ requestId, version, <resourceKey>: resource }`
 * for its create (version 1); a later write (§9) also carries the resource as
 * it was just before (`before`), so a worker needs nothing but the job.
 */
export type CreatedResourceJob<K extends string, R> = {
  requestId: string;
  version: number;
  before?: R | null;
  /** A delete: the resource becomes a tombstone at this version. */
  deleted?: boolean;
} & { [key in K]: R };

/**
 * A created resource with its version: what a key's head (§9) holds and a
 * write folds onto; `deleted` once a `DELETE` has made it a tombstone.
 */
export type CreatedState<R> = R & { readonly version: number; readonly deleted?: boolean };

/** A state without its version or tombstone flag: the resource as answered, stored and carried. */
export function resourceOf<R>({
  version: _version,
  deleted: _deleted,
  ...row
}: CreatedState<R>): R {
  return row as unknown as R;
}

/**
 * The later writes a created resource takes, when it takes any: `PATCH
 * /<entity>/:id`, applied in the order accepted (§9), like an order's.
 */
export interface CreatedResourceChanges<C, R> {
  /** What a client sends to change one: some of the create's fields. */
  readonly patchSchema: object;
  /** The resource after a change: the patch over the current fields, and its own clock fields. */
  update(current: R, patch: Partial<C>, now: number): R;
  /**
   * `DELETE /<entity>/:id` too: the row stays as a tombstone (its table needs
   * a `deleted` column, 0 by default), and the resource answers 404 after.
   */
  readonly deletes?: boolean;
}

/** The storage a created resource needs from its repository. */
export interface CreatedResourceStore<R> {
  findById(id: number): Promise<R | null>;
  /** The highest id stored; the id counter is raised past it before any write. */
  maxId(): Promise<number>;
  /** Writes every version in one statement, idempotent and version-checked. */
  upsertVersions(writes: readonly VersionedResource<R>[]): Promise<void>;
  /** The resource at the version the store holds, or null. */
  findState(id: number): Promise<CreatedState<R> | null>;
  /** Applies writes to keys that take updates in key order (§9), in one transaction. */
  applyInOrder(writes: readonly VersionedWrite<CreatedState<R>>[]): Promise<OrderedOutcome<R>[]>;
}

/**
 * What became of one write applied in key order: `landed` with the versions
 * it stored (its predecessor first when it brought it along; none when the
 * store had it already), or `waits` for the versions between.
 */
export type OrderedOutcome<R> =
  | { readonly landed: true; readonly stored: readonly VersionedWrite<CreatedState<R>>[] }
  | { readonly landed: false; readonly storedVersion: number };

/**
 * A resource the API creates with an id from a counter and persists through a
 * queue (users, listings, people): everything the generic service, routes,
 * queues, persist worker, Mongo replica and cache need to know of it, declared
 * once. `createdResource` fills in what follows from the rest.
 */
export interface CreatedResource<K extends string, C, R, S extends CreatedResourceStore<R>> {
  /** Its cache collection, id counter, MySQL table, Mongo collection and URL path segment. */
  readonly entity: Entity;
  /** The field it is answered under and its job carries it in (`user`). */
  readonly resourceKey: K;
  /** Its persist queue (`persist-<entity>`); its jobs are sharded by the resource's id. */
  readonly queue: string;
  /** BullMQ job name of a create (`<resourceKey>.create`). */
  readonly jobName: string;
  /** What a client sends to create one; `C` is its FromSchema type. */
  readonly createSchema: object;
  /**
   * The resource as stored and answered; `R` is its FromSchema type. Its
   * properties are the table's columns and the Mongo document's fields.
   */
  readonly resourceSchema: ResourceSchema;
  /** The schema its persist jobs are checked against by the worker. */
  readonly jobSchema: object;
  /** Its table and columns in MySQL. */
  readonly sql: SqlMapping;
  /** Identity: the resource a valid create input becomes once it has an id and a time. */
  build(id: number, input: C, now: number): R;
  /** Its updates, if it takes any (none: creates only, no `PATCH` route). */
  readonly changes?: CreatedResourceChanges<C, R>;
  /** Its repository on a MySQL pool. */
  store(pool: MysqlPool): S;
}

/** A resource's stored schema, as far as the registry reads it. */
export interface ResourceSchema {
  readonly properties: Readonly<Record<string, object>>;
}

/** Any created resource, as registries and process wiring hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCreatedResource = CreatedResource<string, any, any, CreatedResourceStore<any>>;

/**
 * The persist job schema of a resource stored under `key`; with `changes`, a
 * job may carry the resource's state before it (`before`, null for a create).
 */
export function persistJobSchemaOf(
  key: string,
  resourceSchema: object,
  changes: { readonly deletes?: boolean } | false = false,
): object {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['requestId', 'version', key],
    properties: {
      requestId: { type: 'string', minLength: 1, maxLength: 128 },
      version: { type: 'integer', minimum: 1 },
      [key]: resourceSchema,
      ...(changes && { before: { anyOf: [resourceSchema, { type: 'null' }] } }),
      ...(changes && changes.deletes && { deleted: { type: 'boolean' } }),
    },
  };
}

/**
 * A created resource's descriptor from what is its own (entity, key, schemas,
 * identity); the queue, job name and schema, SQL mapping and repository follow
 * from those unless given.
 */
export function createdResource<
  K extends string,
  C,
  R extends { readonly id: number },
  S extends CreatedResourceStore<R> = CreatedResourceRepository<R>,
>(
  own: Pick<
    CreatedResource<K, C, R, S>,
    'entity' | 'resourceKey' | 'createSchema' | 'build' | 'changes'
  > & {
    readonly resourceSchema: ResourceSchema;
  } & Partial<Pick<CreatedResource<K, C, R, S>, 'jobSchema' | 'sql'>> & {
      /** A repository with more than the created-resource reads (a resource's own lists). */
      readonly store?: (pool: MysqlPool, sql: SqlMapping) => S;
    },
): CreatedResource<K, C, R, S> {
  const sql = own.sql ?? {
    table: own.entity,
    columns: Object.keys(own.resourceSchema.properties),
    ...(own.changes?.deletes && { tombstone: true }),
  };
  const store =
    own.store ??
    ((pool: MysqlPool, mapping: SqlMapping) =>
      new CreatedResourceRepository<R>(pool, mapping) as unknown as S);
  return {
    ...own,
    queue: `persist-${own.entity}`,
    jobName: `${own.resourceKey}.create`,
    jobSchema:
      own.jobSchema ??
      persistJobSchemaOf(own.resourceKey, own.resourceSchema, own.changes ?? false),
    sql,
    store: (pool) => store(pool, sql),
  };
}
