import type { Job } from 'bullmq';
import type { ReadThroughCache } from '../../shared/infra/cache/read-through-cache.js';
import { nowMicros } from '../../shared/infra/process/clock.js';
import { NotFoundError } from '../../shared/domain/errors/index.js';
import {
  planWrite,
  type IdempotentAttempt,
} from '../../shared/infra/idempotency/idempotent-attempt.js';
import type { IdAllocator } from '../../shared/domain/ids/id-allocator.js';
import type { ShardCompletions } from '../../shared/infra/queues/completion-listener.js';
import { enqueueCreated, type IntakeJob } from '../../shared/infra/queues/created-batch.js';
import { IntakeBatcher } from '../../shared/infra/queues/intake-batcher.js';
import { jobIds } from '../../shared/domain/writes/write-jobs.js';
import { waitForJob } from '../../shared/infra/queues/wait-for-job.js';
import type {
  CreatedResource,
  CreatedResourceJob,
  CreatedResourceStore,
} from '../../shared/domain/resources/created-resource.js';
import { queuedOutcomes, type BulkItemOutcome, type BulkMeta } from '../bulk-writes.js';
import {
  generationTag,
  type AcceptedWrite,
  type CachedJson,
  type CachedRead,
  type WriteMeta,
} from '../write-results.js';
import type { ShardedQueue } from '../../shared/infra/queues/sharded-queue.js';
import type { KeyHeads } from '../../shared/infra/queues/key-heads.js';
import { createdResourceChanges } from './created-resource.changes.js';

export interface CreatedResourceDeps<K extends string, R, S> {
  readonly queue: ShardedQueue<CreatedResourceJob<K, R>>;
  readonly queueEvents: ShardCompletions;
  readonly ids: IdAllocator;
  readonly cache: ReadThroughCache;
  readonly store: S;
  /** Its keys' heads (§9), for a resource that takes updates. */
  readonly heads: KeyHeads;
}

/** What a created resource's writes use of its declaration: identity and job shape. */
type WriteParts<K extends string, C, R> = Pick<
  CreatedResource<K, C, R, CreatedResourceStore<R>>,
  'entity' | 'resourceKey' | 'jobName' | 'build'
>;

/** What a created resource's writes use of its dependencies: the queue, its completions, ids. */
type WriteDeps<K extends string, R> = Pick<
  CreatedResourceDeps<K, R, unknown>,
  'queue' | 'queueEvents' | 'ids'
>;

/** The job that persists a new resource as version 1. */
function persistJob<K extends string, C, R>(
  resource: WriteParts<K, C, R>,
  id: number,
  built: R,
  requestId: string,
): IntakeJob<CreatedResourceJob<K, R>> {
  const data = { requestId, version: 1, [resource.resourceKey]: built };
  return {
    name: resource.jobName,
    data: data as CreatedResourceJob<K, R>,
    opts: { jobId: jobIds.persist(resource.entity, id, 1) },
  };
}

/**
 * Builds `inputs` with consecutive ids and enqueues their jobs in one
 * addBulk (`enqueueCreated`); `plan` gives the first id and the clock
 * reading, kept under the request's key when it has one.
 */
async function enqueueBuilt<K extends string, C, R>(
  resource: WriteParts<K, C, R>,
  deps: WriteDeps<K, R>,
  inputs: readonly C[],
  requestId: string,
  plan: (count: number) => Promise<{ readonly first: number; readonly at: number }>,
): Promise<{ resources: R[]; jobs: readonly Job[] }> {
  let at = 0;
  const resources: R[] = [];
  const firstId = async (count: number) => {
    const planned = await plan(count);
    at = planned.at;
    return planned.first;
  };
  const { jobs } = await enqueueCreated(deps.queue, firstId, inputs.length, (id, i) => {
    const built = resource.build(id, inputs[i] as C, at);
    resources.push(built);
    return persistJob(resource, id, built, requestId);
  });
  return { resources, jobs };
}

/**
 * A write under an `Idempotency-Key`: its id and clock reading are stored
 * under the key before the add, so a retry after a crash builds the same
 * resource with the same job id, which BullMQ adds only once. Not batched:
 * the plan has to land between taking the id and the add.
 */
async function enqueuePlanned<K extends string, C, R>(
  resource: WriteParts<K, C, R>,
  deps: WriteDeps<K, R>,
  input: C,
  meta: WriteMeta,
  attempt: IdempotentAttempt,
): Promise<AcceptedWrite<R>> {
  const { resources, jobs } = await enqueueBuilt(
    resource,
    deps,
    [input],
    meta.requestId,
    async () => {
      const plan = await attempt.plan(async () => ({
        id: await deps.ids.next(resource.entity),
        at: nowMicros(),
      }));
      return { first: plan.id, at: plan.at };
    },
  );
  const [created, job] = [resources[0], jobs[0]];
  if (created === undefined || job === undefined) throw new Error('addBulk returned no job');
  const persisted = await waitForJob(job, deps.queueEvents, meta.waitSeconds);
  return { resource: created, jobId: job.id ?? '', persisted };
}

/**
 * A created resource's writes: each gets its id and identity here and goes
 * to the persist queue as version 1, through the one enqueue path.
 */
function createdResourceWrites<K extends string, C, R>(
  resource: WriteParts<K, C, R>,
  deps: WriteDeps<K, R>,
) {
  const { entity } = resource;
  const intake = new IntakeBatcher(deps.queue, deps.ids, entity);
  return {
    /** Completion events of the persist queue (`Prefer: wait`). */
    completions: deps.queueEvents,

    /**
     * One write, batched with the others of this event-loop turn (one INCRBY,
     * one addBulk); under an `Idempotency-Key`, planned under the key instead.
     */
    async enqueueWrite(input: C, meta: WriteMeta): Promise<AcceptedWrite<R>> {
      if (meta.idempotency) return enqueuePlanned(resource, deps, input, meta, meta.idempotency);
      const now = nowMicros();
      let created: R | undefined;
      const { job } = await intake.submit((id) => {
        created = resource.build(id, input, now);
        return persistJob(resource, id, created, meta.requestId);
      });
      if (created === undefined)
        throw new Error(`intake resolved without building the ${resource.resourceKey}`);
      const persisted = await waitForJob(job, deps.queueEvents, meta.waitSeconds);
      return { resource: created, jobId: job.id ?? '', persisted };
    },

    /**
     * A chunk of bulk writes (§7): ids in one counter step, jobs in one
     * addBulk. Under an `Idempotency-Key` the chunk's first id and clock
     * reading are kept with the key before the add: a retry after a crash
     * builds the same resources with the same job ids, which BullMQ adds once.
     */
    async enqueueWrites(inputs: readonly C[], meta: BulkMeta): Promise<BulkItemOutcome<R>[]> {
      const now = nowMicros();
      const { resources, jobs } = await enqueueBuilt(
        resource,
        deps,
        inputs,
        meta.requestId,
        (count) =>
          planWrite(meta.idempotency, async () => ({
            first: await deps.ids.nextBlock(entity, count),
            at: now,
          })),
      );
      return queuedOutcomes(resources, jobs);
    },
  };
}

/** A created resource's reads, through the cache to its repository. */
function createdResourceReads<K extends string, C, R, S extends CreatedResourceStore<R>>(
  resource: CreatedResource<K, C, R, S>,
  deps: CreatedResourceDeps<K, R, S>,
) {
  const { entity } = resource;
  return {
    /** One resource as JSON text; a 404 names it. */
    async getJson(id: number): Promise<CachedJson> {
      const { value, hit, generation } = await deps.cache.readJson(entity, ['id', id], () =>
        deps.store.findById(id),
      );
      // The loader's "not found" is cached as JSON null.
      if (value === 'null') throw new NotFoundError(`${resource.resourceKey} ${id} not found`);
      return { json: value, cacheHit: hit, tag: generationTag(generation) };
    },

    /** Any other cached read of the resource's collection, as JSON text. */
    async readJson<T>(
      parts: readonly (string | number)[],
      load: () => Promise<T>,
    ): Promise<CachedJson> {
      const { value, hit, generation } = await deps.cache.readJson(entity, parts, load);
      return { json: value, cacheHit: hit, tag: generationTag(generation) };
    },

    /** Any other cached read of the resource's collection, parsed. */
    async read<T>(
      parts: readonly (string | number)[],
      load: () => Promise<T>,
    ): Promise<CachedRead<T>> {
      const { value, hit } = await deps.cache.read(entity, parts, load);
      return { value, cacheHit: hit };
    },
  };
}

/**
 * The service of a created resource (users, listings, people): a write gets its
 * id and identity here and goes to the persist queue as version 1; reads go
 * through the cache to its repository.
 */
export function createCreatedResourceService<
  K extends string,
  C,
  R extends { readonly id: number },
  S extends CreatedResourceStore<R>,
>(resource: CreatedResource<K, C, R, S>, deps: CreatedResourceDeps<K, R, S>) {
  const { changes } = resource;
  return {
    ...createdResourceWrites(resource, deps),
    ...createdResourceReads(resource, deps),
    ...(changes && createdResourceChanges({ ...resource, changes }, deps)),
  };
}

export type CreatedResourceService<C, R> = {
  readonly completions: ShardCompletions;
  enqueueWrite(input: C, meta: WriteMeta): Promise<AcceptedWrite<R>>;
  enqueueWrites(inputs: readonly C[], meta: BulkMeta): Promise<BulkItemOutcome<R>[]>;
  getJson(id: number): Promise<CachedJson>;
  /** Only a resource that takes updates has it (§9). */
  updateWrite?(id: number, patch: Partial<C>, meta: WriteMeta): Promise<AcceptedWrite<R>>;
  /** Only a resource that takes deletes uses it. */
  deleteWrite?(id: number, meta: WriteMeta): Promise<AcceptedWrite<R>>;
};
