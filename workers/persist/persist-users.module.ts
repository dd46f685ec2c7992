import { QUEUE_NAMES } from '../../shared/jobs/queue-names.js';
import { persistUserJobSchema, type PersistUserJob } from '../../shared/jobs/job-payloads.js';
import { UserRepository } from '../../shared/repositories/user.repository.js';
import type { User } from '../../shared/schemas/user.schema.js';
import { compileValidator } from '../../shared/validation/ajv.js';
import { batchingOf, type WorkerModule } from '../worker-module.js';
import { createPersistCommitter } from './persist-committer.js';
import { createPersistWriteProcessor } from './persist-write.processor.js';

/** Users: group-committed to MySQL, then cache invalidation and change events. */
export const persistUsersModule: WorkerModule = {
  name: 'persist-users',
  build({ config, connections, logger, cache, queues, hooks }) {
    const users = new UserRepository(connections.mysql);
    const committer = createPersistCommitter<User>({
      entity: 'users',
      upsertMany: (writes) =>
        users.upsertMany(writes.map((w) => ({ user: w.resource, version: w.version }))),
      cache,
      changeEvents: queues.replicate,
      onBatch: (size) => hooks.onBatch?.(QUEUE_NAMES.persistUsers, size),
      ...batchingOf(config),
    });
    const processor = createPersistWriteProcessor<PersistUserJob, User>({
      validate: compileValidator(persistUserJobSchema),
      toWrite: (p) => ({ requestId: p.requestId, version: p.version, resource: p.user }),
      committer,
      logger,
    });
    return [{ queue: QUEUE_NAMES.persistUsers, processor, drain: () => committer.drain() }];
  },
};
