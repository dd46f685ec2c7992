import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from '../../shared/infra/telemetry/logger.js';
import {
  changeBatchSchema,
  replicatedEventSchema,
  entityKey,
  type ChangeEvent,
  type Entity,
  type ReplicateJob,
} from '../../shared/domain/writes/write-jobs.js';
import type {
  ReplicaChange,
  ReplicaRepository,
} from '../../shared/domain/repositories/replica.repository.js';
import { compileValidator } from '../../shared/infra/validation/ajv.js';
import { GroupCommitter } from '../group-commit.js';
import { waitForPredecessors } from '../persist/wait-for-predecessors.js';

const validateEvent = compileValidator<ChangeEvent>(replicatedEventSchema);
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

/** A change handed to a committer; the committer marks it when its copy is too far behind for it. */
interface PendingChange extends ReplicaChange {
  /** Waited long enough: written over any lower version (ReplicaRepository.applyChanges). */
  readonly jumpAhead: boolean;
  behind?: boolean;
}

/**
 * How long a change waits for the ones between before it is written over the
 * lower version it finds: at least this many rounds in the delayed set (each
 * up to a second) and this old. Counted from the change's own waiting, never
 * from its age alone: a job that is old because its worker was frozen or the
 * machine is starved has not waited, and its predecessor is usually on its
 * way; jumping ahead then races the predecessor's own writer.
 */
export const JUMP_AHEAD_AFTER_WAITS = 10;
export const JUMP_AHEAD_AFTER_MS = 10_000;

/** Rounds this job spent waiting for predecessors: starts that were not attempts. */
function waitsOf(job: Job): number {
  return Math.max(0, (job.attemptsStarted ?? 0) - (job.attemptsMade ?? 0) - 1);
}

/** Whether a change has waited for its predecessors long enough to jump ahead of them. */
export function mayJumpAhead(job: Job, now = Date.now()): boolean {
  return waitsOf(job) >= JUMP_AHEAD_AFTER_WAITS && now - job.timestamp > JUMP_AHEAD_AFTER_MS;
}

/** The group committer of each entity's Mongo copy. */
export type ReplicaCommitters = ReadonlyMap<Entity, GroupCommitter<PendingChange>>;

/** One group committer per collection: a batch becomes one journaled bulk write. */
export function createReplicaCommitters(
  replicas: ReplicaRepository,
  options: { maxBatch: number; maxWaitMs: number; onBatch?: (size: number) => void },
): ReplicaCommitters {
  const commit = (entity: Entity) => async (changes: readonly PendingChange[]) => {
    const inOrder = changes.filter((change) => !change.jumpAhead);
    const ahead = changes.filter((change) => change.jumpAhead);
    const { behind } = await replicas.applyChanges(entity, inOrder);
    // A change that jumps ahead can still come back behind (its copy raced away three times):
    // it waits like any other, never completes unapplied.
    const stillBehind =
      ahead.length > 0
        ? (await replicas.applyChanges(entity, ahead, { jumpAhead: true })).behind
        : new Set<ReplicaChange>();
    for (const change of changes) change.behind = behind.has(change) || stillBehind.has(change);
  };
  const forEntity = (entity: Entity) =>
    new GroupCommitter<PendingChange>({
      traceName: `replicate ${entity}`,
      commitBatch: commit(entity),
      commitOne: (change) => commit(entity)([change]),
      ...options,
    });
  return new Map(replicas.entities.map((entity) => [entity, forEntity(entity)]));
}

/**
 * Mirrors a committed change into Mongo; stale or repeated events are skipped
 * by version. A job with a change whose copy is more than one version behind
 * waits for the events between (delayed, no attempt spent); its other changes
 * are then found applied.
 */
export function createReplicateProcessor(committers: ReplicaCommitters, logger: Logger) {
  return async function replicateChanges(job: Job<ReplicateJob>, token?: string): Promise<void> {
    const events = eventsOf(job);
    const committerOf = (event: ChangeEvent) => {
      const committer = committers.get(event.entity);
      // An event of an entity this build has no copy of can never be applied.
      if (!committer) throw new UnrecoverableError(`${job.id}: no Mongo copy of ${event.entity}`);
      return committer;
    };
    const jumpAhead = mayJumpAhead(job);
    const pending: PendingChange[] = events.map((event) => ({
      key: entityKey(event.entity, event.key),
      version: event.version,
      after: event.after,
      jumpAhead,
    }));
    // Submitted together, a batch's events share the committers' next bulk writes.
    await Promise.all(events.map((event, i) => committerOf(event).submit(pending[i]!)));
    const waiting = pending.find((change) => change.behind);
    if (waiting) {
      return waitForPredecessors(job, token, {
        key: String(waiting.key),
        version: waiting.version,
        storedVersion: waiting.version - 2,
      });
    }
    for (const event of events) {
      logger.info(
        { requestId: event.requestId, jobId: job.id, entity: event.entity, key: event.key },
        'change replicated',
      );
    }
  };
}
