import { UnrecoverableError, type Job } from 'bullmq';
import type { UsernameReservations } from '../../shared/customers/username-reservations.js';
import { usernameKey } from '../../shared/customers/username-key.js';
import { AppError } from '../../shared/errors/index.js';
import type { PersistCustomerJob } from '../../shared/jobs/job-payloads.js';
import type { Logger } from '../../shared/logger.js';
import type { CustomerRepository } from '../../shared/repositories/customer.repository.js';
import type {
  CustomerOp,
  CustomerOpOutcome,
} from '../../shared/repositories/customer-write.repository.js';
import type { Customer } from '../../shared/schemas/customer.schema.js';
import type { Validator } from '../../shared/validation/ajv.js';
import type { GroupCommitter } from '../group-commit.js';

/** A write handed to the group committer; the committer fills in its outcome. */
export interface PendingCustomerOp {
  readonly op: CustomerOp;
  outcome?: CustomerOpOutcome;
}

/** The job's payload as an operation; a payload without what its op needs is malformed. */
export function toCustomerOp(payload: PersistCustomerJob, jobId: string): CustomerOp {
  const base = { opId: jobId, requestId: payload.requestId };
  switch (payload.op) {
    case 'create':
      if (!payload.customer || payload.customer.uuid !== payload.uuid) {
        throw new Error('create without its customer');
      }
      return { ...base, kind: 'create', customer: payload.customer as Customer };
    case 'update':
      if (!payload.changes) throw new Error('update without changes');
      return {
        ...base,
        kind: 'update',
        uuid: payload.uuid,
        at: payload.at,
        changes: payload.changes,
      };
    case 'delete':
      return { ...base, kind: 'delete', uuid: payload.uuid, at: payload.at };
  }
}

/** The username a write claimed at the API, if any. */
function claimedUsername(op: CustomerOp): string | undefined {
  if (op.kind === 'create') return op.customer.username;
  if (op.kind === 'update') return op.changes.username;
  return undefined;
}

/**
 * Persists one customer write through the group committer and returns the
 * customer as committed (what `Prefer: wait` answers with). A write that can
 * never succeed (taken username at the MySQL index, customer gone) fails for
 * good; when a write fails for the last time, the username it claimed is
 * released, unless MySQL shows the customer holding it after all.
 */
export function createPersistCustomerProcessor(options: {
  readonly validate: Validator<PersistCustomerJob>;
  readonly committer: GroupCommitter<PendingCustomerOp>;
  readonly reservations: UsernameReservations;
  readonly customers: CustomerRepository;
  readonly logger: Logger;
}) {
  async function releaseClaim(op: CustomerOp): Promise<void> {
    const username = claimedUsername(op);
    if (username === undefined) return;
    const uuid = op.kind === 'create' ? op.customer.uuid : op.uuid;
    try {
      if ((await options.customers.uuidHoldingUsername(usernameKey(username))) === uuid) return;
      if (await options.reservations.release(username, uuid)) {
        options.logger.info({ requestId: op.requestId, uuid }, 'username claim released');
      }
    } catch (error) {
      // Cannot tell whether the customer holds it: keeping a claim is safer than a duplicate.
      options.logger.warn({ err: (error as Error).message, uuid }, 'username claim kept');
    }
  }

  return async function persistCustomer(job: Job<PersistCustomerJob>): Promise<Customer> {
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
      if (permanent || lastAttempt) await releaseClaim(pending.op);
      if (permanent) throw new UnrecoverableError((error as Error).message);
      throw error;
    }
    const customer = pending.outcome!.customer;
    options.logger.info(
      { requestId: pending.op.requestId, jobId: job.id, uuid: customer.uuid, queue: job.queueName },
      'customer write persisted',
    );
    return customer;
  };
}
