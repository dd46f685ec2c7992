import type { Queue } from 'bullmq';
import type { ReadThroughCache } from '../../shared/cache/read-through-cache.js';
import { nowMicros } from '../../shared/clock.js';
import { NotFoundError } from '../../shared/errors/index.js';
import type { IdAllocator } from '../../shared/ids.js';
import { IntakeBatcher } from '../../shared/jobs/intake-batcher.js';
import { jobIds, type PersistUserJob } from '../../shared/jobs/job-payloads.js';
import { waitForJob } from '../../shared/jobs/wait-for-job.js';
import type { UserRepository } from '../../shared/repositories/user.repository.js';
import type { PageQuery } from '../../shared/schemas/query.schema.js';
import type { User, UserCreate } from '../../shared/schemas/user.schema.js';
import type { CompletionListener } from '../../shared/jobs/completion-listener.js';
import { enqueueCreatedBatch, type CreatedWrite } from '../../shared/jobs/created-batch.js';
import { queuedOutcomes, type BulkItemOutcome, type BulkMeta } from '../http/bulk/bulk-intake.js';

export interface UserServiceDeps {
  readonly queue: Queue<PersistUserJob>;
  readonly queueEvents: CompletionListener;
  readonly ids: IdAllocator;
  readonly cache: ReadThroughCache;
  readonly users: UserRepository;
}

export interface AcceptedWrite<R> {
  readonly resource: R;
  readonly jobId: string;
  /** True when the client asked to wait and the write was persisted in time. */
  readonly persisted: boolean;
}

export interface CachedRead<T> {
  readonly value: T;
  readonly cacheHit: boolean;
}

/**
 * A cached read as JSON text (`JSON.stringify` of the value), never parsed on
 * a hit: the route writes it into the response body as is.
 */
export interface CachedJson {
  readonly json: string;
  readonly cacheHit: boolean;
}

/** A new user with its id and timestamps, and the job that persists it (version 1). */
function userWrite(
  id: number,
  input: UserCreate,
  now: number,
  requestId: string,
): CreatedWrite<User, PersistUserJob> {
  const user: User = { id, name: input.name, created_at: now, updated_at: now };
  return {
    resource: user,
    job: {
      name: 'user.create',
      data: { requestId, version: 1, user },
      opts: { jobId: jobIds.persist('users', id, 1) },
    },
  };
}

/** Users: writes go to the persist queue with their identity assigned; reads go through the cache. */
export function createUserService(deps: UserServiceDeps) {
  const intake = new IntakeBatcher(deps.queue, deps.ids, 'users');
  return {
    /** Completion events of the users' persist queue (`Prefer: wait`). */
    completions: deps.queueEvents,

    async enqueueUserWrite(
      input: UserCreate,
      meta: { requestId: string; waitSeconds: number },
    ): Promise<AcceptedWrite<User>> {
      const now = nowMicros();
      let user: User | undefined;
      const { job } = await intake.submit((id) => {
        const write = userWrite(id, input, now, meta.requestId);
        user = write.resource;
        return write.job;
      });
      if (!user) throw new Error('intake resolved without building the user');
      const persisted = await waitForJob(job, deps.queueEvents, meta.waitSeconds);
      return { resource: user, jobId: job.id ?? '', persisted };
    },

    /** A chunk of bulk users (§7): ids in one counter step, jobs in one addBulk. */
    async enqueueUserWrites(
      inputs: readonly UserCreate[],
      meta: BulkMeta,
    ): Promise<BulkItemOutcome<User>[]> {
      const now = nowMicros();
      const written = await enqueueCreatedBatch(
        deps.queue,
        deps.ids,
        'users',
        inputs,
        (id, input) => userWrite(id, input, now, meta.requestId),
      );
      return queuedOutcomes(written);
    },

    /** The user as JSON text. */
    async getUser(id: number): Promise<CachedJson> {
      const { value, hit } = await deps.cache.readJson('users', ['id', id], () =>
        deps.users.findById(id),
      );
      // The loader's "no such user" is cached as JSON null.
      if (value === 'null') throw new NotFoundError(`user ${id} not found`);
      return { json: value, cacheHit: hit };
    },

    /**
     * The users with these ids, in the order asked; ids with no user are left
     * out. Cached under the sorted ids, so the same set in any order shares an entry.
     */
    async findUsers(ids: readonly number[]): Promise<CachedRead<User[]>> {
      const sorted = [...ids].sort((a, b) => a - b);
      const { value, hit } = await deps.cache.read('users', ['ids', sorted.join(',')], () =>
        deps.users.findByIds(sorted),
      );
      const byId = new Map(value.map((user) => [user.id, user]));
      const found = ids.flatMap((id) => {
        const user = byId.get(id);
        return user ? [user] : [];
      });
      return { value: found, cacheHit: hit };
    },

    /** A page of users as JSON text (an array). */
    async listUsers(page: PageQuery): Promise<CachedJson> {
      const { value, hit } = await deps.cache.readJson(
        'users',
        ['page', page.page_num, page.page_size],
        () => deps.users.listPage(page),
      );
      return { json: value, cacheHit: hit };
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
