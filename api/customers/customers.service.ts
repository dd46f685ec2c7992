import { randomUUID } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import type { Job } from 'bullmq';
import type { ReadThroughCache } from '../../shared/cache/read-through-cache.js';
import { nowMicros } from '../../shared/clock.js';
import { usernameKey } from '../../shared/customers/username-key.js';
import type { UsernameReservations } from '../../shared/customers/username-reservations.js';
import { ConflictError, NotFoundError } from '../../shared/errors/index.js';
import type { KeyHeads } from '../../shared/jobs/key-heads.js';
import {
  jobIds,
  type ChangeEvent,
  type PersistCustomerJob,
} from '../../shared/jobs/job-payloads.js';
import { waitForJobResult } from '../../shared/jobs/wait-for-job.js';
import { planWrite } from '../../shared/idempotency/idempotent-attempt.js';
import type { Logger } from '../../shared/logger.js';
import type { CustomerRepository } from '../../shared/repositories/customer.repository.js';
import type {
  Customer,
  CustomerChanges,
  CustomerCreate,
  CustomerEventsQuery,
  CustomerPatch,
} from '../../shared/schemas/customer.schema.js';
import type { PageQuery } from '../../shared/schemas/query.schema.js';
import { requireMatchingVersion } from '../preconditions.js';
import type { AcceptedWrite, CachedRead, WriteMeta } from '../write-results.js';
import { customerChanges, newCustomerFields, type NewCustomerFields } from './customer-input.js';
import type { BulkItemOutcome, BulkMeta } from '../bulk-writes.js';
import { usernamePairsEncoder } from './username-encoder.js';
import type { ShardCompletions } from '../../shared/jobs/completion-listener.js';
import type { ShardedQueue } from '../../shared/jobs/sharded-queue.js';

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

/** A reservation that was taken (its SET NX answered true). */
function isHeld(result: PromiseSettledResult<boolean> | undefined): boolean {
  return result?.status === 'fulfilled' && result.value;
}

/** Customers (§2.4): usernames claimed before enqueueing; reads through the cache. */
export function createCustomerService(deps: CustomerServiceDeps) {
  /**
   * Claims the username for `uuid` in Redis (atomic, so two concurrent claims
   * cannot both win), then asks MySQL whether a committed customer already
   * has it (a row written before reservations existed). MySQL being down does
   * not stop the write: its UNIQUE index still guards the commit.
   */
  async function claim(username: string, uuid: string): Promise<void> {
    if (!(await deps.reservations.reserve(username, uuid))) {
      throw new ConflictError(`username ${username} is already taken`);
    }
    let holder: string | null = null;
    try {
      holder = await deps.customers.uuidHoldingUsername(usernameKey(username));
    } catch (error) {
      deps.logger.warn({ err: (error as Error).message }, 'username check in MySQL skipped');
    }
    if (holder !== null && holder !== uuid) {
      await deps.reservations.release(username, uuid);
      throw new ConflictError(`username ${username} is already taken`);
    }
  }

  /**
   * Enqueues a write under its key and version (one job per version, whoever
   * adds it); if that fails, a username claimed for it is given back.
   */
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
      if (claimed !== undefined) await deps.reservations.release(claimed, uuid);
      throw error;
    }
  }

  const headOf = (uuid: string) => ({ shard: deps.queue.shardFor(uuid).name, key: uuid });

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

  async function answer(
    job: Job<PersistCustomerJob>,
    predicted: Customer,
    meta: WriteMeta,
  ): Promise<AcceptedWrite<Customer>> {
    const persisted = await waitForJobResult<Customer>(job, deps.queueEvents, meta.waitSeconds);
    return { resource: persisted ?? predicted, jobId: job.id ?? '', persisted: !!persisted };
  }

  async function getCustomer(uuid: string): Promise<CachedRead<Customer>> {
    const { value, hit } = await deps.cache.read('customers', ['uuid', uuid], () =>
      deps.customers.findLive(uuid),
    );
    if (!value) throw new NotFoundError(`customer ${uuid} not found`);
    return { value, cacheHit: hit };
  }

  /** Gives back these customers' usernames; a release that fails is logged (the write path goes on). */
  async function releaseAll(customers: readonly Customer[]): Promise<void> {
    const results = await Promise.allSettled(
      customers.map((c) => deps.reservations.release(c.username, c.uuid)),
    );
    const failures = results.filter((r) => r.status === 'rejected').length;
    if (failures > 0) deps.logger.warn({ failures }, 'username reservations not released');
  }

  /**
   * Claims each username of a chunk (in input order, so the first of two equal
   * names wins) and checks the committed ones in one MySQL query. True where
   * the customer now holds its name.
   */
  async function claimAll(customers: readonly Customer[]): Promise<boolean[]> {
    const settled = await Promise.allSettled(
      customers.map((c) => deps.reservations.reserve(c.username, c.uuid)),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      // Nothing of the chunk is enqueued: the names it did get are given back.
      await releaseAll(customers.filter((_, i) => isHeld(settled[i])));
      throw failed.reason;
    }
    const reserved = settled.map(isHeld);
    let holders = new Map<string, string>();
    try {
      holders = await deps.customers.uuidsHoldingUsernames([
        ...new Set(customers.map((c) => usernameKey(c.username))),
      ]);
    } catch (error) {
      deps.logger.warn({ err: (error as Error).message }, 'username check in MySQL skipped');
    }
    return Promise.all(
      customers.map(async (customer, i) => {
        if (!reserved[i]) return false;
        const holder = holders.get(usernameKey(customer.username));
        if (holder === undefined || holder === customer.uuid) return true;
        await releaseAll([customer]);
        return false;
      }),
    );
  }

  return {
    getCustomer,

    /** Completion events of the customers' persist queue (`Prefer: wait`). */
    completions: deps.queueEvents,

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
      const customers: Customer[] = inputs.map((fields, i) => ({
        uuid: uuids[i] ?? randomUUID(),
        ...fields,
        created_at: now,
        updated_at: now,
        deleted: false,
        version: 1,
      }));
      const claimed = await claimAll(customers);
      const fresh = customers.filter((_, i) => claimed[i]);
      let jobs: Job<PersistCustomerJob>[];
      try {
        await Promise.all(
          fresh.map((customer) => deps.heads.start(headOf(customer.uuid), customer)),
        );
        jobs = await deps.queue.addBulk(
          fresh.map((customer) => ({
            name: 'customer.create',
            data: { requestId: meta.requestId, op: 'create' as const, customer, before: null },
            opts: { jobId: jobIds.persist('customers', customer.uuid, 1) },
          })),
        );
      } catch (error) {
        await releaseAll(fresh);
        throw error;
      }
      const jobOf = new Map(fresh.map((customer, i) => [customer.uuid, jobs[i]]));
      return customers.map((customer): BulkItemOutcome<Customer> => {
        const job = jobOf.get(customer.uuid);
        if (!job) {
          return { status: 409, errors: [`username ${customer.username} is already taken`] };
        }
        return { status: 202, resource: customer, jobId: job.id ?? '', job };
      });
    },

    async createCustomer(input: CustomerCreate, meta: WriteMeta) {
      // Under a key, the uuid and clock are kept with it: a retry claims the same name for the same uuid.
      const { uuid, at } = await planWrite(meta.idempotency, () => ({
        uuid: randomUUID(),
        at: nowMicros(),
      }));
      const customer: Customer = {
        uuid,
        ...newCustomerFields(input),
        created_at: at,
        updated_at: at,
        deleted: false,
        version: 1,
      };
      await refusing(meta, claim(customer.username, customer.uuid));
      await deps.heads.start(headOf(uuid), customer);
      const job = await enqueue(
        { requestId: meta.requestId, op: 'create', customer, before: null },
        customer.username,
      );
      return answer(job, customer, meta);
    },

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
        if (name !== undefined) await refusing(meta, claim(name, uuid));
        try {
          return await fold(uuid, changes, nowMicros(), meta);
        } catch (error) {
          if (name !== undefined) await deps.reservations.release(name, uuid);
          throw error;
        }
      });
      const job = await enqueue(
        { requestId: meta.requestId, op: 'update', customer: plan.after, before: plan.before },
        renamedTo(plan.before, plan.after),
      );
      return answer(job, plan.after, meta);
    },

    /** A soft delete folded onto the customer's head (its name is freed once it lands). */
    async deleteCustomer(uuid: string, meta: WriteMeta) {
      const plan = await planWrite(meta.idempotency, () =>
        fold(uuid, { deleted: true }, nowMicros(), meta),
      );
      const job = await enqueue({
        requestId: meta.requestId,
        op: 'delete',
        customer: plan.after,
        before: plan.before,
      });
      return answer(job, plan.after, meta);
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

export type CustomerService = ReturnType<typeof createCustomerService>;
