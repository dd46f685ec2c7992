import { UnrecoverableError, type Job } from 'bullmq';
import type { ReadThroughCache } from '../../shared/cache/read-through-cache.js';
import type { KeyHeads } from '../../shared/jobs/key-heads.js';
import {
  persistOrderJobSchema,
  type OrderState,
  type PersistOrderJob,
} from '../../shared/jobs/order-jobs.js';
import type { Logger } from '../../shared/logger.js';
import type { OrderRepository } from '../../shared/repositories/order.repository.js';
import { compileValidator } from '../../shared/validation/ajv.js';
import { GroupCommitter } from '../group-commit.js';

const validateJob = compileValidator<PersistOrderJob>(persistOrderJobSchema);

/**
 * Group commit for orders: one journaled bulk write per batch, then the orders
 * cache generation is bumped so readers see the batch at once. A job
 * completes only after both; a crash in between retries the idempotent batch.
 */
export function createOrderCommitter(options: {
  readonly orders: OrderRepository;
  readonly cache: ReadThroughCache;
  readonly maxBatch: number;
  readonly maxWaitMs: number;
  readonly onBatch?: (size: number) => void;
}): GroupCommitter<OrderState> {
  const commitBatch = async (writes: readonly OrderState[]): Promise<void> => {
    await options.orders.applyWrites(writes);
    await options.cache.invalidate('orders');
  };
  return new GroupCommitter<OrderState>({
    traceName: 'commit orders',
    commitBatch,
    commitOne: (write) => commitBatch([write]),
    maxBatch: options.maxBatch,
    maxWaitMs: options.maxWaitMs,
    onBatch: options.onBatch,
  });
}

/**
 * Validates a `persist-orders` job (a malformed one fails for good), waits for
 * its batch, then tells the order's head that the store holds its version.
 */
export function createPersistOrderProcessor(
  committer: GroupCommitter<OrderState>,
  heads: KeyHeads,
  logger: Logger,
) {
  return async function persistOrder(job: Job<PersistOrderJob>): Promise<{ id: string }> {
    let payload: PersistOrderJob;
    try {
      payload = validateJob(job.data, 'job');
    } catch (error) {
      throw new UnrecoverableError(`malformed job ${job.id}: ${(error as Error).message}`);
    }
    const { order } = payload;
    await committer.submit(order);
    await heads.settle({ shard: job.queueName, key: order.id }, order.version);
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
