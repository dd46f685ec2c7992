import { UnrecoverableError, type Job } from 'bullmq';
import type { UsernameReservations } from '../../shared/domain/customers/username-reservations.js';
import { usernameKey } from '../../shared/domain/customers/username-key.js';
import { AppError } from '../../shared/domain/errors/index.js';
import type { KeyHeads } from '../../shared/infra/queues/key-heads.js';
import { jobIds, type PersistCustomerJob } from '../../shared/domain/writes/write-jobs.js';
import type { Logger } from '../../shared/infra/telemetry/logger.js';
import type { CustomerRepository } from '../../shared/domain/repositories/customer.repository.js';
import type {
  CustomerOp,
  CustomerOpOutcome,
} from '../../shared/domain/repositories/customer-write.repository.js';
import type { Customer } from '../../shared/domain/schemas/customer.schema.js';
import type { Validator } from '../../shared/infra/validation/ajv.js';
import type { GroupCommitter } from '../group-commit.js';
import { waitForPredecessors } from './wait-for-predecessors.js';
import { wakeSuccessor, type JobsByKey } from './wake-successor.js';

/** A write handed to the group committer; the committer fills in its outcome. */
export interface PendingCustomerOp {
  readonly op: CustomerOp;
  outcome?: CustomerOpOutcome;
}

/** The job's payload as an operation; a payload whose versions do not chain is malformed. */
export function toCustomerOp(payload: PersistCustomerJob, jobId: string): CustomerOp {
  const after = payload.customer as Customer;
  const before = payload.before as Customer | null;
  const chained =
    before === null
      ? after.version === 1
      : before.uuid === after.uuid && before.version === after.version - 1;
  if (!chained) throw new Error(`before and customer are not versions n-1 and n of one customer`);
  return { opId: jobId, requestId: payload.requestId, before, after };
}

/** The username a write claimed at the API, if any: a create's, or a rename's. */
function claimedUsername({ before, after }: CustomerOp): string | undefined {
  if (before === null) return after.username;
  return usernameKey(before.username) === usernameKey(after.username) ? undefined : after.username;
}

export interface PersistCustomerDeps {
  readonly validate: Validator<PersistCustomerJob>;
  readonly committer: GroupCommitter<PendingCustomerOp>;
  readonly reservations: UsernameReservations;
  readonly customers: CustomerRepository;
  readonly heads: KeyHeads;
  /** The customers' queue, where the next version's job may wait. */
  readonly jobs: JobsByKey;
  readonly logger: Logger;
}

/**
 * Releases the username a failed write claimed at the API, unless MySQL shows
 * the customer holding it after all.
 */
async function releaseClaim(
  op: CustomerOp,
  { customers, reservations, logger }: PersistCustomerDeps,
): Promise<void> {
  const username = claimedUsername(op);
  if (username === undefined) return;
  const { uuid } = op.after;
  try {
    if ((await customers.uuidHoldingUsername(usernameKey(username))) === uuid) return;
    if (await reservations.release(username, uuid)) {
      logger.info({ requestId: op.requestId, uuid }, 'username claim released');
    }
  } catch (error) {
    // Cannot tell whether the customer holds it: keeping a claim is safer than a duplicate.
    logger.warn({ err: (error as Error).message, uuid }, 'username claim kept');
  }
}

/**
 * Persists one customer write through the group committer and returns the
 * customer as committed (what `Prefer: wait` answers with). A write whose
 * predecessors have not landed waits for them (delayed, no attempt spent,
 * other customers unaffected). A write that can never succeed (taken username
 * at the MySQL index) fails for good; when a write fails for the last time,
 * the username it claimed is released, unless MySQL shows the customer
 * holding it after all.
 */
export function createPersistCustomerProcessor(options: PersistCustomerDeps) {
  return async function persistCustomer(
    job: Job<PersistCustomerJob>,
    token?: string,
  ): Promise<Customer> {
    let pending: PendingCustomerOp;
    try {
      pending = { op: toCustomerOp(options.validate(job.data, 'job'), job.id ?? '') };
    } catch (error) {
      throw new UnrecoverableError(`malformed job ${job.id}: ${(error as Error).message}`);
    }
    try {
      await options.committer.submit(pending);
    } catch (error) {
      const permanent = error instanceof AppError && error.status < 500;
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (permanent || lastAttempt) await releaseClaim(pending.op, options);
      if (permanent) throw new UnrecoverableError((error as Error).message);
      throw error;
    }
    const { op, outcome } = pending;
    if (!outcome?.applied) {
      return waitForPredecessors(job, token, {
        key: op.after.uuid,
        version: op.after.version,
        storedVersion: outcome?.storedVersion ?? 0,
      });
    }
    const { uuid, version } = op.after;
    const head = await options.heads.settle({ shard: job.queueName, key: uuid }, version);
    if (head > version) {
      await wakeSuccessor(options.jobs, uuid, jobIds.persist('customers', uuid, version + 1));
    }
    options.logger.info(
      {
        requestId: op.requestId,
        jobId: job.id,
        uuid: op.after.uuid,
        version: op.after.version,
        queue: job.queueName,
      },
      'customer write persisted',
    );
    return outcome.customer;
  };
}
