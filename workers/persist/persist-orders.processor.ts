import { UnrecoverableError, type Job } from 'bullmq';
import type { ReadThroughCache } from '../../shared/infra/cache/read-through-cache.js';
import type { KeyHeads, VersionedWrite } from '../../shared/infra/queues/key-heads.js';
import type { ShardedQueue } from '../../shared/infra/queues/sharded-queue.js';
import {
  orderJobId,
  persistOrderJobSchema,
  type OrderState,
  type PersistOrderJob,
} from '../../shared/domain/writes/order-jobs.js';
import type { Logger } from '../../shared/infra/telemetry/logger.js';
import type {
  OrderRepository,
  OrderWriteOutcome,
} from '../../shared/domain/repositories/order.repository.js';
import { compileValidator } from '../../shared/infra/validation/ajv.js';
import { GroupCommitter } from '../group-commit.js';
import { waitForPredecessors } from './wait-for-predecessors.js';
import { wakeSuccessor, type JobsByKey } from './wake-successor.js';

const validateJob = compileValidator<PersistOrderJob>(persistOrderJobSchema);

/** A write handed to the group committer; the committer fills in its outcome. */
export interface PendingOrderWrite {
  readonly write: VersionedWrite<OrderState>;
  outcome?: OrderWriteOutcome;
}

/**
 * Group commit for orders: a batch's writes applied in key order (journaled),
 * then the orders cache generation is bumped so readers see the batch at
 * once. A job completes only after both; a crash in between retries the
 * batch, whose writes find themselves applied.
 */
export function createOrderCommitter(options: {
  readonly orders: OrderRepository;
  readonly cache: ReadThroughCache;
  /** The orders' queue, where a write's predecessor may still wait. */
  readonly queue: Pick<ShardedQueue<PersistOrderJob>, 'getJob'>;
  readonly maxBatch: number;
  readonly maxWaitMs: number;
  readonly onBatch?: (size: number) => void;
}): GroupCommitter<PendingOrderWrite> {
  // Queued means it will still run: a job that failed for good (kept as a dead letter until
  // re-driven) or completed is finished, and the write one ahead must not wait for it (§9).
  const predecessorQueued = async ({ after }: VersionedWrite<OrderState>) => {
    const job = await options.queue.getJob(orderJobId(after.id, after.version - 1), after.id);
    return job !== undefined && job.finishedOn === undefined;
  };
  const commitBatch = async (pending: readonly PendingOrderWrite[]): Promise<void> => {
    const outcomes = await options.orders.applyWrites(
      pending.map((p) => p.write),
      { predecessorQueued },
    );
    pending.forEach((p, i) => (p.outcome = outcomes[i]));
    await options.cache.invalidate('orders');
  };
  return new GroupCommitter<PendingOrderWrite>({
    traceName: 'commit orders',
    commitBatch,
    commitOne: (pending) => commitBatch([pending]),
    maxBatch: options.maxBatch,
    maxWaitMs: options.maxWaitMs,
    onBatch: options.onBatch,
  });
}

/**
 * Validates a `persist-orders` job (a malformed one fails for good), waits for
 * its batch, then tells the order's head that the store holds its version. A
 * write whose predecessors have not landed waits for them.
 */
export function createPersistOrderProcessor(
  committer: GroupCommitter<PendingOrderWrite>,
  heads: KeyHeads,
  jobs: JobsByKey,
  logger: Logger,
) {
  return async function persistOrder(
    job: Job<PersistOrderJob>,
    token?: string,
  ): Promise<{ id: string }> {
    let payload: PersistOrderJob;
    try {
      payload = validateJob(job.data, 'job');
    } catch (error) {
      throw new UnrecoverableError(`malformed job ${job.id}: ${(error as Error).message}`);
    }
    const { order, before } = payload;
    if (before !== null && (before.id !== order.id || before.version !== order.version - 1)) {
      throw new UnrecoverableError(`malformed job ${job.id}: before is not the version before`);
    }
    const pending: PendingOrderWrite = { write: { before, after: order } };
    await committer.submit(pending);
    if (pending.outcome?.applied === false) {
      const { storedVersion } = pending.outcome;
      return waitForPredecessors(job, token, {
        key: order.id,
        version: order.version,
        storedVersion,
      });
    }
    const head = await heads.settle({ shard: job.queueName, key: order.id }, order.version);
    if (head > order.version)
      await wakeSuccessor(jobs, order.id, orderJobId(order.id, order.version + 1));
    logger.info(
      {
        requestId: payload.requestId,
        jobId: job.id,
        id: order.id,
        op: payload.op,
        version: order.version,
        queue: job.queueName,
      },
      'order write persisted',
    );
    return { id: order.id };
  };
}
