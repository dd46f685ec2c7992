import type { CacheCollection } from '../cache/cache-collections.js';
import type { SpillwayQueues } from '../jobs/queues.js';
import type { MysqlPool } from '../repositories/mysql-pool.repository.js';

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
 * queue (users, listings, people): everything the generic service, routes and
 * persist worker need to know of it, declared once.
 */
export interface CreatedResource<K extends string, C, R, S extends CreatedResourceStore<R>> {
  /** Its cache collection, id counter, MySQL table and URL path segment. */
  readonly entity: CacheCollection & ('users' | 'listings' | 'people');
  /** The field it is answered under and its job carries it in (`user`). */
  readonly resourceKey: K;
  /** Its persist queue. */
  readonly queue: keyof SpillwayQueues & ('persistUsers' | 'persistListings' | 'persistPeople');
  /** BullMQ job name of a create. */
  readonly jobName: string;
  /** What a client sends to create one; `C` is its FromSchema type. */
  readonly createSchema: object;
  /** The resource as stored and answered; `R` is its FromSchema type. */
  readonly resourceSchema: object;
  /** The schema its persist jobs are checked against by the worker. */
  readonly jobSchema: object;
  /** Identity: the resource a valid create input becomes once it has an id and a time. */
  build(id: number, input: C, now: number): R;
  /** Its repository on a MySQL pool. */
  store(pool: MysqlPool): S;
}
