import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from '../../shared/logger.js';
import {
  changeBatchSchema,
  changeEventSchema,
  ENTITIES,
  entityKey,
  type ChangeEvent,
  type Entity,
  type ReplicateJob,
} from '../../shared/jobs/job-payloads.js';
import type {
  ReplicaChange,
  ReplicaRepository,
} from '../../shared/repositories/replica.repository.js';
import { compileValidator } from '../../shared/validation/ajv.js';
import { GroupCommitter } from '../group-commit.js';

const validateEvent = compileValidator<ChangeEvent>(changeEventSchema);
const validateBatch = compileValidator<{ events: ChangeEvent[] }>(changeBatchSchema);

/** The events a replicate job carries; a malformed job can never succeed, so it fails for good. */
function eventsOf(job: Job<ReplicateJob>): readonly ChangeEvent[] {
  try {
    return 'events' in job.data
      ? validateBatch(job.data, 'job').events
      : [validateEvent(job.data, 'job')];
  } catch (error) {
    throw new UnrecoverableError(`malformed change event ${job.id}: ${(error as Error).message}`);
  }
}

/** One group committer per collection: a batch becomes one journaled bulk write. */
export function createReplicaCommitters(
  replicas: ReplicaRepository,
  options: { maxBatch: number; maxWaitMs: number; onBatch?: (size: number) => void },
): Record<Entity, GroupCommitter<ReplicaChange>> {
  const forEntity = (entity: Entity) =>
    new GroupCommitter<ReplicaChange>({
      traceName: `replicate ${entity}`,
      commitBatch: async (changes) => {
        await replicas.applyChanges(entity, changes);
      },
      commitOne: async (change) => {
        await replicas.applyChanges(entity, [change]);
      },
      ...options,
    });
  return Object.fromEntries(ENTITIES.map((entity) => [entity, forEntity(entity)])) as Record<
    Entity,
    GroupCommitter<ReplicaChange>
  >;
}

/** Mirrors a committed change into Mongo; stale or repeated events are skipped by version. */
export function createReplicateProcessor(
  committers: Record<Entity, GroupCommitter<ReplicaChange>>,
  logger: Logger,
) {
  return async function replicateChanges(job: Job<ReplicateJob>): Promise<void> {
    const events = eventsOf(job);
    // Submitted together, a batch's events share the committers' next bulk writes.
    await Promise.all(
      events.map((event) =>
        committers[event.entity].submit({
          key: entityKey(event.entity, event.key),
          version: event.version,
          after: event.after,
        }),
      ),
    );
    for (const event of events) {
      logger.info(
        { requestId: event.requestId, jobId: job.id, entity: event.entity, key: event.key },
        'change replicated',
      );
    }
  };
}
