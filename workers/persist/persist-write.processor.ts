import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from '../../shared/infra/telemetry/logger.js';
import type { Validator } from '../../shared/infra/validation/ajv.js';
import type { GroupCommitter } from '../group-commit.js';
import type { EntityWrite } from './persist-committer.js';

/**
 * A BullMQ processor for one entity's persist queue: validate the payload
 * (a malformed job can never succeed, so it fails for good), hand it to the
 * group committer, and resolve when its batch has committed.
 */
export function createPersistWriteProcessor<P, R extends { id: number }>(options: {
  readonly validate: Validator<P>;
  readonly toWrite: (payload: P) => EntityWrite<R>;
  readonly committer: GroupCommitter<EntityWrite<R>>;
  readonly logger: Logger;
}) {
  return async function persistWrite(job: Job<P>): Promise<{ id: number }> {
    let write: EntityWrite<R>;
    try {
      write = options.toWrite(options.validate(job.data, 'job'));
    } catch (error) {
      throw new UnrecoverableError(`malformed job ${job.id}: ${(error as Error).message}`);
    }
    await options.committer.submit(write);
    options.logger.info(
      { requestId: write.requestId, jobId: job.id, id: write.resource.id, queue: job.queueName },
      'write persisted',
    );
    return { id: write.resource.id };
  };
}
