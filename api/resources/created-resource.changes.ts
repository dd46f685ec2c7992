import type { CreatedResourceDeps } from './created-resource.service.js';
import { nowMicros } from '../../shared/infra/process/clock.js';
import { NotFoundError } from '../../shared/domain/errors/index.js';
import { jobIds } from '../../shared/domain/writes/write-jobs.js';
import {
  resourceOf,
  type CreatedResource,
  type CreatedResourceChanges,
  type CreatedResourceJob,
  type CreatedResourceStore,
  type CreatedState,
} from '../../shared/domain/resources/created-resource.js';
import { requireMatchingVersion } from '../preconditions.js';
import type { AcceptedWrite, WriteMeta } from '../write-results.js';
import { enqueueKeyedWrite } from '../keyed-writes.js';

type Changing<K extends string, C, R> = Pick<
  CreatedResource<K, C, R, CreatedResourceStore<R>>,
  'entity' | 'resourceKey'
> & { readonly changes: CreatedResourceChanges<C, R> };

/** What a write does to the resource it folds onto: change some fields, or delete it. */
type Change<C> = { readonly patch: Partial<C> } | { readonly delete: true };

/**
 * The next state of a resource that exists (else a 404), at the version
 * `If-Match` names (else a 412): the descriptor's `update` at one version more.
 */
function changedState<K extends string, C, R>(
  resource: Changing<K, C, R>,
  id: number,
  current: CreatedState<R> | null,
  change: Change<C> & { readonly meta: WriteMeta; readonly now: number },
): CreatedState<R> {
  const what = `${resource.resourceKey} ${id}`;
  if (!current || current.deleted) throw new NotFoundError(`${what} not found`);
  requireMatchingVersion(change.meta, what, current.version);
  const version = current.version + 1;
  if ('delete' in change) return { ...resourceOf(current), version, deleted: true };
  return { ...resource.changes.update(resourceOf(current), change.patch, change.now), version };
}

/**
 * A created resource's updates (§9), like an order's: each is folded onto its
 * key's head and queued at its version with the state before it, so writes
 * to one key land in the order they were accepted and each answer is the
 * resource as it reads once that write and every earlier one land. Its
 * create starts no head (creates stay one batched add): the first update
 * reads the store, or the create's own job while that is still queued.
 */
export function createdResourceChanges<K extends string, C, R extends { readonly id: number }>(
  resource: Changing<K, C, R>,
  deps: CreatedResourceDeps<K, R, CreatedResourceStore<R>>,
) {
  const { entity, resourceKey } = resource;

  /** The key's state when it has no head: the store holds every accepted write, or its create is queued. */
  async function load(id: number): Promise<CreatedState<R> | null> {
    const stored = await deps.store.findState(id);
    if (stored) return stored;
    const create = await deps.queue.getJob(jobIds.persist(entity, id, 1), id);
    // A finished create either landed meanwhile (its row is there now) or failed for good.
    if (!create || create.finishedOn !== undefined) return deps.store.findState(id);
    // A create's own job data: the resource at version 1.
    return { ...create.data[resourceKey], version: 1 };
  }

  /** Folds the write, then queues the resource's state at its version with the one before it. */
  async function enqueue(id: number, change: Change<C>, meta: WriteMeta) {
    const now = nowMicros();
    const { write, job, persisted } = await enqueueKeyedWrite(
      deps,
      {
        key: id,
        load: () => load(id),
        next: (current) => changedState(resource, id, current, { ...change, meta, now }),
        job: ({ before, after }) => ({
          name: `${resourceKey}.${after.deleted ? 'delete' : 'update'}`,
          data: {
            requestId: meta.requestId,
            version: after.version,
            [resourceKey]: resourceOf(after),
            before: before && resourceOf(before),
            ...(after.deleted && { deleted: true }),
          } as CreatedResourceJob<K, R>,
          jobId: jobIds.persist(entity, id, after.version),
        }),
      },
      meta,
    );
    return { resource: resourceOf(write.after), jobId: job.id ?? '', persisted };
  }

  return {
    /** One change, answered with the resource as it reads once it lands. */
    updateWrite(id: number, patch: Partial<C>, meta: WriteMeta): Promise<AcceptedWrite<R>> {
      return enqueue(id, { patch }, meta);
    },

    /** A tombstone, answered with the resource as it was at the deletion's version. */
    deleteWrite(id: number, meta: WriteMeta): Promise<AcceptedWrite<R>> {
      return enqueue(id, { delete: true }, meta);
    },
  };
}
