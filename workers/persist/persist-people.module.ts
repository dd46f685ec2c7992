import { QUEUE_NAMES } from '../../shared/jobs/queue-names.js';
import { persistPersonJobSchema, type PersistPersonJob } from '../../shared/jobs/job-payloads.js';
import { PersonRepository } from '../../shared/repositories/person.repository.js';
import type { Person } from '../../shared/schemas/person.schema.js';
import { compileValidator } from '../../shared/validation/ajv.js';
import { batchingOf, type WorkerModule } from '../worker-module.js';
import { createPersistCommitter } from './persist-committer.js';
import { createPersistWriteProcessor } from './persist-write.processor.js';

/** People, from the API and from CSV imports alike: group-committed to MySQL, then cache invalidation and change events. */
export const persistPeopleModule: WorkerModule = {
  name: 'persist-people',
  build({ config, connections, logger, cache, queues, hooks }) {
    const people = new PersonRepository(connections.mysql);
    const committer = createPersistCommitter<Person>({
      entity: 'people',
      upsertMany: (writes) =>
        people.upsertMany(writes.map((w) => ({ person: w.resource, version: w.version }))),
      cache,
      changeEvents: queues.replicate,
      onBatch: (size) => hooks.onBatch?.(QUEUE_NAMES.persistPeople, size),
      ...batchingOf(config),
    });
    const processor = createPersistWriteProcessor<PersistPersonJob, Person>({
      validate: compileValidator(persistPersonJobSchema),
      toWrite: (p) => ({ requestId: p.requestId, version: p.version, resource: p.person }),
      committer,
      logger,
    });
    return [{ queue: QUEUE_NAMES.persistPeople, processor, drain: () => committer.drain() }];
  },
};
