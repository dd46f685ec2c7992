import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from '../../shared/infra/telemetry/logger.js';
import type { KeyHeads } from '../../shared/infra/queues/key-heads.js';
import type { Validator } from '../../shared/infra/validation/ajv.js';
import { jobIds, type Entity } from '../../shared/domain/writes/write-jobs.js';
import type { GroupCommitter } from '../group-commit.js';
import type { EntityWrite } from './persist-committer.js';
import { waitForPredecessors } from './wait-for-predecessors.js';
import { wakeSuccessor, type JobsByKey } from './wake-successor.js';

/** What a resource that takes updates needs to keep each key's writes in order (§9). */
export interface KeyOrder {
  readonly entity: Entity;
  readonly heads: KeyHeads;
  /** Its persist queue, where a key's next write may wait. */
  readonly jobs: JobsByKey;
}

/**
 * A later write of a key landed (§9): its head may expire once no later write
 * is queued; a later one waiting in the delayed set is woken. A create (version
 * 1) has no head of its own to settle: a key's head starts at its first update.
 */
async function settleLanded(order: KeyOrder, queue: string, id: number, version: number) {
  if (version === 1) return;
  const head = await order.heads.settle({ shard: queue, key: String(id) }, version);
  if (head > version) {
    await wakeSuccessor(order.jobs, String(id), jobIds.persist(order.entity, id, version + 1));
  }
}

/**
 * A BullMQ processor for one entity's persist queue: validate the payload
 * (a malformed job can never succeed, so it fails for good), hand it to the
 * group committer, and resolve when its batch has committed. For a resource
 * that takes updates (`keyOrder`), a write whose predecessors have not landed
 * waits for them, and a landed one settles its key's head.
 */
export function createPersistWriteProcessor<P, R extends { id: number }>(options: {
  readonly validate: Validator<P>;
  readonly toWrite: (payload: P) => EntityWrite<R>;
  readonly committer: GroupCommitter<EntityWrite<R>>;
  readonly logger: Logger;
  readonly keyOrder?: KeyOrder;
}) {
  return async function persistWrite(job: Job<P>, token?: string): Promise<{ id: number }> {
    let write: EntityWrite<R>;
    try {
      write = options.toWrite(options.validate(job.data, 'job'));
    } catch (error) {
      throw new UnrecoverableError(`malformed job ${job.id}: ${(error as Error).message}`);
    }
    const { id } = write.resource;
    if (write.before && (write.before.id !== id || write.version < 2)) {
      throw new UnrecoverableError(`malformed job ${job.id}: before is another resource's`);
    }
    await options.committer.submit(write);
    if (write.outcome?.landed === false) {
      const { storedVersion } = write.outcome;
      return waitForPredecessors(job, token, {
        key: String(id),
        version: write.version,
        storedVersion,
      });
    }
    if (options.keyOrder) await settleLanded(options.keyOrder, job.queueName, id, write.version);
    options.logger.info(
      {
        requestId: write.requestId,
        jobId: job.id,
        id,
        version: write.version,
        queue: job.queueName,
      },
      'write persisted',
    );
    return { id };
  };
}
