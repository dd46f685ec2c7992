import { createHash } from 'node:crypto';
import type { FromSchema } from 'json-schema-to-ts';
import { userSchema } from '../schemas/user.schema.js';
import { listingSchema } from '../schemas/listing.schema.js';
import { customerSchema } from '../schemas/customer.schema.js';
import { personSchema } from '../schemas/person.schema.js';

const jobMeta = {
  requestId: { type: 'string', minLength: 1, maxLength: 128 },
  version: { type: 'integer', minimum: 1 },
} as const;

/** A user write waiting to be persisted; the resource is complete (id and timestamps assigned). */
export const persistUserJobSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['requestId', 'version', 'user'],
  properties: { ...jobMeta, user: userSchema },
} as const;

export const persistListingJobSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['requestId', 'version', 'listing'],
  properties: { ...jobMeta, listing: listingSchema },
} as const;

/**
 * One customer write (§2.4, §9): the customer as it stands once this write and
 * every earlier one to it are applied (`customer`, at its version; folded at
 * the API onto the customer's key head, see key-heads.ts), and as it stood
 * just before (`before`: null for a create). The worker applies it on the
 * committed row of the version before; `before` lets it apply that version
 * too when its own job has not run yet, so a key's events stay 1, 2, 3…
 */
export const persistCustomerJobSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['requestId', 'op', 'customer', 'before'],
  properties: {
    requestId: jobMeta.requestId,
    op: { type: 'string', enum: ['create', 'update', 'delete'] },
    customer: customerSchema,
    before: { anyOf: [customerSchema, { type: 'null' }] },
  },
} as const;

/** A person write: from POST /people (generated id) or a CSV import (the file's id). */
export const persistPersonJobSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['requestId', 'version', 'person'],
  properties: { ...jobMeta, person: personSchema },
} as const;

/** The entities this build has: the created resources of shared/domain/resources/registry.ts, and customers. */
export const BUILT_IN_ENTITIES = ['users', 'listings', 'customers', 'people'] as const;
export type BuiltInEntity = (typeof BUILT_IN_ENTITIES)[number];

/** An entity a process was given beyond this build's (a resource a test declares), named by `addedEntity`. */
export type AddedEntity = string & { readonly addedEntity: true };

/** What a change event, a cache collection, an id counter and a Mongo copy are named by. */
export type Entity = BuiltInEntity | AddedEntity;

/** Names an entity that is not one of this build's: a misspelt built-in one stays a type error. */
export function addedEntity(name: string): AddedEntity {
  return name as AddedEntity;
}

/** Entities keyed by a string (uuid) rather than an integer id, in MySQL, events and Mongo. */
const STRING_KEYED: ReadonlySet<Entity> = new Set<Entity>(['customers']);

/** An event's `key` (always text) as the entity's own key type: `_id` in Mongo. */
export function entityKey(entity: Entity, key: string): number | string {
  return STRING_KEYED.has(entity) ? key : Number(key);
}

/**
 * One committed change in MySQL, the input of replication. `before` is null on
 * insert, `after` is null on delete; `version` orders changes of one key.
 */
export const changeEventSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'entity', 'key', 'before', 'after', 'version', 'at', 'requestId'],
  properties: {
    id: { type: 'string', minLength: 1 },
    type: { type: 'string', enum: ['insert', 'update', 'delete'] },
    entity: { type: 'string', enum: BUILT_IN_ENTITIES },
    key: { type: 'string', minLength: 1 },
    before: { anyOf: [{ type: 'object' }, { type: 'null' }] },
    after: { anyOf: [{ type: 'object' }, { type: 'null' }] },
    version: { type: 'integer', minimum: 1 },
    at: { type: 'integer', minimum: 0 },
    requestId: { type: 'string' },
  },
} as const;

/**
 * A change event as the replicate queue checks it: of any entity, a resource a
 * process was given beyond this build's too. The processor refuses one of an
 * entity it keeps no copy of.
 */
export const replicatedEventSchema = {
  ...changeEventSchema,
  properties: { ...changeEventSchema.properties, entity: { type: 'string', minLength: 1 } },
} as const;

/**
 * The change events of one committed group, replicated as one job: a write
 * then costs one queue operation to persist and a fraction of one to replicate.
 */
export const changeBatchSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['events'],
  properties: { events: { type: 'array', minItems: 1, items: replicatedEventSchema } },
} as const;

export type PersistUserJob = FromSchema<typeof persistUserJobSchema>;
export type PersistListingJob = FromSchema<typeof persistListingJobSchema>;
export type PersistCustomerJob = FromSchema<typeof persistCustomerJobSchema>;
export type PersistPersonJob = FromSchema<typeof persistPersonJobSchema>;
export type ChangeEvent = Omit<
  FromSchema<typeof changeEventSchema>,
  'entity' | 'before' | 'after'
> & {
  entity: Entity;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
};

export interface ChangeBatch {
  readonly events: readonly ChangeEvent[];
}

/** What the replicate queue carries: one change event (the customer outbox) or a batch of them. */
export type ReplicateJob = ChangeEvent | ChangeBatch;

/** BullMQ job ids: deterministic, so a duplicated enqueue of the same write is one job. */
export const jobIds = {
  persist: (entity: Entity, id: number | string, version: number): string =>
    `${entity}-${id}-v${version}`,
  changeEvent: (entity: Entity, key: string, version: number): string =>
    `${entity}-${key}-v${version}-event`,
  /**
   * A batch's id is a digest of its events' ids: a retried group with the same
   * members is one job, and a different grouping is never mistaken for it.
   */
  changeBatch: (entity: Entity, eventIds: readonly string[]): string =>
    `${entity}-events-${createHash('sha1').update(eventIds.join('\n')).digest('base64url')}`,
};
