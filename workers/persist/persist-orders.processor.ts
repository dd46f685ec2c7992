import { UnrecoverableError, type Job } from 'bullmq';
import type { ReadThroughCache } from '../../shared/cache/read-through-cache.js';
import { persistOrderJobSchema, type PersistOrderJob } from '../../shared/jobs/order-jobs.js';
import type { Logger } from '../../shared/logger.js';
import type { OrderRepository, OrderWrite } from '../../shared/repositories/order.repository.js';
import { compileValidator } from '../../shared/validation/ajv.js';
import { GroupCommitter } from '../group-commit.js';

const validateJob = compileValidator<PersistOrderJob>(persistOrderJobSchema);

/** The write a job asks for, without its request id. */
export function orderWriteOf(job: PersistOrderJob): OrderWrite {
  switch (job.op) {
    case 'create':
      return { op: job.op, version: job.version, order: job.order };
    case 'update':
      return { op: job.op, version: job.version, id: job.id, set: job.set };
    case 'delete':
      return { op: job.op, version: job.version, id: job.id, updated_at: job.updated_at };
  }
}

function idOf(write: OrderWrite): string {
  return write.op === 'create' ? write.order.id : write.id;
}

/**
 * Group commit for orders: one journaled, ordered bulk write per batch, then
 * the orders cache generation is bumped so readers see the batch at once. A job
 * completes only after both; a crash in between retries the idempotent batch.
 */
export function createOrderCommitter(options: {
  readonly orders: OrderRepository;
  readonly cache: ReadThroughCache;
  readonly maxBatch: number;
  readonly maxWaitMs: number;
  readonly onBatch?: (size: number) => void;
}): GroupCommitter<OrderWrite> {
  const commitBatch = async (writes: readonly OrderWrite[]): Promise<void> => {
    await options.orders.applyWrites(writes);
    await options.cache.invalidate('orders');
  };
  return new GroupCommitter<OrderWrite>({
    traceName: 'commit orders',
    commitBatch,
    commitOne: (write) => commitBatch([write]),
    maxBatch: options.maxBatch,
    maxWaitMs: options.maxWaitMs,
    onBatch: options.onBatch,
  });
}

/** Validates a `persist-orders` job (a malformed one fails for good) and waits for its batch. */
export function createPersistOrderProcessor(committer: GroupCommitter<OrderWrite>, logger: Logger) {
  return async function persistOrder(job: Job<PersistOrderJob>): Promise<{ id: string }> {
    let payload: PersistOrderJob;
    try {
      payload = validateJob(job.data, 'job');
    } catch (error) {
      throw new UnrecoverableError(`malformed job ${job.id}: ${(error as Error).message}`);
    }
    const write = orderWriteOf(payload);
    await committer.submit(write);
    const id = idOf(write);
    logger.info(
      { requestId: payload.requestId, jobId: job.id, id, op: write.op, queue: job.queueName },
      'order write persisted',
    );
    return { id };
  };
}
