import type { Entity } from '../writes/write-jobs.js';
import type { MysqlPool } from '../repositories/mysql-pool.js';
import {
  CreatedResourceRepository,
  type SqlMapping,
} from '../repositories/created-resource.repository.js';

/** What persists one write of a created resource: the resource and its version. */
export interface VersionedResource<R> {
  readonly resource: R;
  readonly version: number;
}

/** The persist job of a created resource: `{ requestId, version, <resourceKey>: resource }`. */
export type CreatedResourceJob<K extends string, R> = {
  requestId: string;
  version: number;
} & { [key in K]: R };

/** The storage a created resource needs from its repository. */
export interface CreatedResourceStore<R> {
  findById(id: number): Promise<R | null>;
  /** The highest id stored; the id counter is raised past it before any write. */
  maxId(): Promise<number>;
  /** Writes every version in one statement, idempotent and version-checked. */
  upsertVersions(writes: readonly VersionedResource<R>[]): Promise<void>;
}

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

/** The persist job schema of a resource stored under `key`. */
export function persistJobSchemaOf(key: string, resourceSchema: object): object {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['requestId', 'version', key],
    properties: {
      requestId: { type: 'string', minLength: 1, maxLength: 128 },
      version: { type: 'integer', minimum: 1 },
      [key]: resourceSchema,
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
  own: Pick<CreatedResource<K, C, R, S>, 'entity' | 'resourceKey' | 'createSchema' | 'build'> & {
    readonly resourceSchema: ResourceSchema;
  } & Partial<Pick<CreatedResource<K, C, R, S>, 'jobSchema' | 'sql'>> & {
      /** A repository with more than the created-resource reads (a resource's own lists). */
      readonly store?: (pool: MysqlPool, sql: SqlMapping) => S;
    },
): CreatedResource<K, C, R, S> {
  const sql = own.sql ?? {
    table: own.entity,
    columns: Object.keys(own.resourceSchema.properties),
  };
  const store =
    own.store ??
    ((pool: MysqlPool, mapping: SqlMapping) =>
      new CreatedResourceRepository<R>(pool, mapping) as unknown as S);
  return {
    ...own,
    queue: `persist-${own.entity}`,
    jobName: `${own.resourceKey}.create`,
    jobSchema: own.jobSchema ?? persistJobSchemaOf(own.resourceKey, own.resourceSchema),
    sql,
    store: (pool) => store(pool, sql),
  };
}
