import { randomUUID } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import type { Job } from 'bullmq';
import type { ReadThroughCache } from '../../shared/infra/cache/read-through-cache.js';
import { nowMicros } from '../../shared/infra/process/clock.js';
import { usernameKey } from '../../shared/domain/customers/username-key.js';
import type { UsernameReservations } from '../../shared/domain/customers/username-reservations.js';
import { ConflictError, NotFoundError } from '../../shared/domain/errors/index.js';
import type { KeyHeads } from '../../shared/infra/queues/key-heads.js';
import {
  jobIds,
  type ChangeEvent,
  type PersistCustomerJob,
} from '../../shared/domain/writes/write-jobs.js';
import { waitForJobResult } from '../../shared/infra/queues/wait-for-job.js';
import { planWrite } from '../../shared/infra/idempotency/idempotent-attempt.js';
import type { Logger } from '../../shared/infra/telemetry/logger.js';
import type { CustomerRepository } from '../../shared/domain/repositories/customer.repository.js';
import type {
  Customer,
  CustomerChanges,
  CustomerCreate,
  CustomerEventsQuery,
  CustomerPatch,
} from '../../shared/domain/schemas/customer.schema.js';
import type { PageQuery } from '../../shared/domain/schemas/query.schema.js';
import { requireMatchingVersion } from '../preconditions.js';
import type { AcceptedWrite, CachedRead, WriteMeta } from '../write-results.js';
import { customerChanges, newCustomerFields, type NewCustomerFields } from './customer-input.js';
import { usernameClaims, type UsernameClaims } from './username-claims.js';
import type { BulkItemOutcome, BulkMeta } from '../bulk-writes.js';
import { usernamePairsEncoder } from './username-encoder.js';
import type { ShardCompletions } from '../../shared/infra/queues/completion-listener.js';
import type { ShardedQueue } from '../../shared/infra/queues/sharded-queue.js';

export interface CustomerServiceDeps {
  readonly queue: ShardedQueue<PersistCustomerJob>;
  readonly queueEvents: ShardCompletions;
  readonly cache: ReadThroughCache;
  readonly customers: CustomerRepository;
  readonly reservations: UsernameReservations;
  readonly heads: KeyHeads;
  readonly logger: Logger;
}

/**
 * The customer once a change lands on `current` (the key's head): version one
 * more, `updated_at` never backwards. A customer that is not there, or is
 * deleted, cannot change (404).
 */
function changed(
  uuid: string,
  current: Customer | null,
  change: Partial<Customer>,
  at: number,
  meta: WriteMeta,
): Customer {
  if (!current || current.deleted) throw new NotFoundError(`customer ${uuid} not found`);
  requireMatchingVersion(meta, `customer ${uuid}`, current.version);
  return {
    ...current,
    ...change,
    updated_at: Math.max(at, current.updated_at),
    version: current.version + 1,
  };
}

/** The username a change takes that its customer did not hold before (a rename), if any. */
function renamedTo(before: Customer | null, after: Customer): string | undefined {
  if (before !== null && usernameKey(before.username) === usernameKey(after.username)) {
    return undefined;
  }
  return after.username;
}

/** A new customer at version 1, both timestamps `at`. */
function newCustomer(uuid: string, fields: NewCustomerFields, at: number): Customer {
  return { uuid, ...fields, created_at: at, updated_at: at, deleted: false, version: 1 };
}

/**
 * A username claim of a planned write: a taken name refuses the write
 * before anything is enqueued, so its key is freed for a corrected request.
 */
async function refusing(meta: WriteMeta, claimed: Promise<void>): Promise<void> {
  try {
    await claimed;
  } catch (error) {
    if (error instanceof ConflictError) meta.idempotency?.refuse();
    throw error;
  }
}

/** A bulk chunk's outcomes: queued where the customer got its name (`fresh`, `jobs` in step), else a 409. */
function chunkOutcomes(
  customers: readonly Customer[],
  fresh: readonly Customer[],
  jobs: readonly Job<PersistCustomerJob>[],
): BulkItemOutcome<Customer>[] {
  const jobOf = new Map(fresh.map((customer, i) => [customer.uuid, jobs[i]]));
  return customers.map((customer): BulkItemOutcome<Customer> => {
    const job = jobOf.get(customer.uuid);
    if (!job) {
      return { status: 409, errors: [`username ${customer.username} is already taken`] };
    }
    return { status: 202, resource: customer, jobId: job.id ?? '', job };
  });
}

/**
 * The customers' persist jobs (one per key and version, whoever adds it) and
 * their key heads (§9): where every write of a customer is folded in order.
 */
function customerJobs(deps: CustomerServiceDeps, claims: UsernameClaims) {
  const headOf = (uuid: string) => ({ shard: deps.queue.shardFor(uuid).name, key: uuid });

  /** Enqueues a write under its key and version; if that fails, a username claimed for it is given back. */
  async function enqueue(
    data: PersistCustomerJob,
    claimed?: string,
  ): Promise<Job<PersistCustomerJob>> {
    const { uuid, version } = data.customer;
    try {
      return await deps.queue.add(`customer.${data.op}`, data, {
        jobId: jobIds.persist('customers', uuid, version),
      });
    } catch (error) {
      if (claimed !== undefined) await claims.release(claimed, uuid);
      throw error;
    }
  }

  /**
   * Folds a change onto the customer's key head (§9); with no head, MySQL (which
   * then holds every accepted write) is read, never the cache.
   */
  function fold(uuid: string, change: Partial<Customer>, at: number, meta: WriteMeta) {
    return deps.heads.advance(
      headOf(uuid),
      () => deps.customers.findByUuid(uuid),
      (current) => changed(uuid, current, change, at, meta),
    );
  }

  /** The write's answer: the customer as persisted if the client waited for it, else as predicted. */
  async function answer(
    job: Job<PersistCustomerJob>,
    predicted: Customer,
    meta: WriteMeta,
  ): Promise<AcceptedWrite<Customer>> {
    const persisted = await waitForJobResult<Customer>(job, deps.queueEvents, meta.waitSeconds);
    return { resource: persisted ?? predicted, jobId: job.id ?? '', persisted: !!persisted };
  }

  return { headOf, enqueue, fold, answer };
}

type CustomerJobs = ReturnType<typeof customerJobs>;

/**
 * Starts the heads of a chunk's customers that got their names and adds
 * their jobs in one addBulk; if that fails, every claim is given back.
 */
async function enqueueNewCustomers(
  deps: CustomerServiceDeps,
  claims: UsernameClaims,
  jobs: CustomerJobs,
  fresh: readonly Customer[],
  requestId: string,
): Promise<Job<PersistCustomerJob>[]> {
  try {
    await Promise.all(
      fresh.map((customer) => deps.heads.start(jobs.headOf(customer.uuid), customer)),
    );
    return await deps.queue.addBulk(
      fresh.map((customer) => ({
        name: 'customer.create',
        data: { requestId, op: 'create' as const, customer, before: null },
        opts: { jobId: jobIds.persist('customers', customer.uuid, 1) },
      })),
    );
  } catch (error) {
    await claims.releaseAll(fresh);
    throw error;
  }
}

/** Creating customers, one or a bulk chunk: each name claimed before its job is enqueued. */
function customerCreates(deps: CustomerServiceDeps, claims: UsernameClaims, jobs: CustomerJobs) {
  return {
    async createCustomer(input: CustomerCreate, meta: WriteMeta) {
      // Under a key, the uuid and clock are kept with it: a retry claims the same name for the same uuid.
      const { uuid, at } = await planWrite(meta.idempotency, () => ({
        uuid: randomUUID(),
        at: nowMicros(),
      }));
      const customer = newCustomer(uuid, newCustomerFields(input), at);
      await refusing(meta, claims.claim(customer.username, customer.uuid));
      await deps.heads.start(jobs.headOf(uuid), customer);
      const job = await jobs.enqueue(
        { requestId: meta.requestId, op: 'create', customer, before: null },
        customer.username,
      );
      return jobs.answer(job, customer, meta);
    },

    /**
     * A chunk of bulk customers (§7): each username claimed as for one write
     * (a taken one is that item's 409), the rest enqueued in one addBulk; if
     * that fails, every claim of the chunk is given back.
     */
    async createCustomers(
      inputs: readonly NewCustomerFields[],
      meta: BulkMeta,
    ): Promise<BulkItemOutcome<Customer>[]> {
      // Under a key, the chunk's uuids and clock are kept with it: a retry claims the same names for the same uuids.
      const { uuids, at: now } = await planWrite(meta.idempotency, () => ({
        uuids: inputs.map(() => randomUUID()),
        at: nowMicros(),
      }));
      const customers = inputs.map((fields, i) =>
        newCustomer(uuids[i] ?? randomUUID(), fields, now),
      );
      const claimed = await claims.claimAll(customers);
      const fresh = customers.filter((_, i) => claimed[i]);
      return chunkOutcomes(
        customers,
        fresh,
        await enqueueNewCustomers(deps, claims, jobs, fresh, meta.requestId),
      );
    },
  };
}

/** Changing customers: each change folded onto the customer's head, then enqueued at its version. */
function customerChangeWrites(claims: UsernameClaims, jobs: CustomerJobs) {
  return {
    /**
     * A change folded onto the customer's head: the answer is the customer as
     * it reads once this write and every earlier one land. A new username is
     * claimed first, so a taken one refuses the write with nothing folded.
     */
    async updateCustomer(uuid: string, patch: CustomerPatch, meta: WriteMeta) {
      const changes: CustomerChanges = customerChanges(patch);
      // Folded once: a retry under the key repeats this write (its version and answer too).
      const plan = await planWrite(meta.idempotency, async () => {
        const name = changes.username;
        if (name !== undefined) await refusing(meta, claims.claim(name, uuid));
        try {
          return await jobs.fold(uuid, changes, nowMicros(), meta);
        } catch (error) {
          if (name !== undefined) await claims.release(name, uuid);
          throw error;
        }
      });
      const job = await jobs.enqueue(
        { requestId: meta.requestId, op: 'update', customer: plan.after, before: plan.before },
        renamedTo(plan.before, plan.after),
      );
      return jobs.answer(job, plan.after, meta);
    },

    /** A soft delete folded onto the customer's head (its name is freed once it lands). */
    async deleteCustomer(uuid: string, meta: WriteMeta) {
      const plan = await planWrite(meta.idempotency, () =>
        jobs.fold(uuid, { deleted: true }, nowMicros(), meta),
      );
      const job = await jobs.enqueue({
        requestId: meta.requestId,
        op: 'delete',
        customer: plan.after,
        before: plan.before,
      });
      return jobs.answer(job, plan.after, meta);
    },
  };
}

/** Customers' reads, through the cache. */
function customerReads(deps: CustomerServiceDeps) {
  return {
    async getCustomer(uuid: string): Promise<CachedRead<Customer>> {
      const { value, hit } = await deps.cache.read('customers', ['uuid', uuid], () =>
        deps.customers.findLive(uuid),
      );
      if (!value) throw new NotFoundError(`customer ${uuid} not found`);
      return { value, cacheHit: hit };
    },

    async listCustomers(page: PageQuery): Promise<CachedRead<Customer[]>> {
      const { value, hit } = await deps.cache.read(
        'customers',
        ['page', page.page_num, page.page_size, page.after ?? ''],
        () => deps.customers.listPage(page),
      );
      return { value, cacheHit: hit };
    },

    /** Oldest first; an unknown uuid (no event at all) is a 404. */
    async listEvents(uuid: string, page: CustomerEventsQuery): Promise<CachedRead<ChangeEvent[]>> {
      const { value, hit } = await deps.cache.read(
        'customers',
        ['events', uuid, page.page_num, page.page_size, page.after ?? ''],
        () => deps.customers.listEvents(uuid, page),
      );
      if (value.length === 0 && page.page_num === 1 && page.after === undefined) {
        throw new NotFoundError(`customer ${uuid} not found`);
      }
      return { value, cacheHit: hit };
    },

    /** `{"uuid": "username", …}` for every live customer, as a byte stream. */
    usernamePairs(): Readable {
      const encoder = usernamePairsEncoder();
      pipeline(deps.customers.streamUsernames(), encoder, (error) => {
        if (error) deps.logger.error({ err: error.message }, 'username stream failed');
      });
      return encoder;
    },
  };
}

/** Customers (§2.4): usernames claimed before enqueueing; reads through the cache. */
export function createCustomerService(deps: CustomerServiceDeps) {
  const claims = usernameClaims(deps);
  const jobs = customerJobs(deps, claims);
  return {
    ...customerReads(deps),
    /** Completion events of the customers' persist queue (`Prefer: wait`). */
    completions: deps.queueEvents,
    ...customerCreates(deps, claims, jobs),
    ...customerChangeWrites(claims, jobs),
  };
}

export type CustomerService = ReturnType<typeof createCustomerService>;
