import type { Readable } from 'node:stream';
import type { Queue } from 'bullmq';
import type { ReadThroughCache } from '../../shared/cache/read-through-cache.js';
import { NotFoundError } from '../../shared/errors/index.js';
import type { IdAllocator } from '../../shared/ids.js';
import { jobIds, type PersistPersonJob } from '../../shared/jobs/job-payloads.js';
import { waitForJob } from '../../shared/jobs/wait-for-job.js';
import { escapedKeyPart, type CacheKeyPart } from '../../shared/redis-keys.js';
import type { PersonRepository } from '../../shared/repositories/person.repository.js';
import { toPerson, type Person, type PersonCreate } from '../../shared/schemas/person.schema.js';
import type { PageQuery } from '../../shared/schemas/query.schema.js';
import type { AcceptedWrite, CachedRead } from '../users/users.service.js';
import type { ImportReport } from './import-report.js';
import type { PeopleImporter } from './people-import.js';
import type { CompletionListener } from '../../shared/jobs/completion-listener.js';
import { enqueueCreatedBatch } from '../../shared/jobs/created-batch.js';
import { queuedOutcomes, type BulkItemOutcome, type BulkMeta } from '../http/bulk/bulk-intake.js';

export interface PeopleServiceDeps {
  readonly queue: Queue<PersistPersonJob>;
  readonly queueEvents: CompletionListener;
  readonly ids: IdAllocator;
  readonly cache: ReadThroughCache;
  readonly people: PersonRepository;
  readonly importer: PeopleImporter;
}

/** People: single writes and CSV imports share the persist queue; reads go through the cache. */
export function createPeopleService(deps: PeopleServiceDeps) {
  const cached = async <T>(parts: CacheKeyPart[], load: () => Promise<T>) => {
    const { value, hit } = await deps.cache.read('people', parts, load);
    return { value, cacheHit: hit };
  };

  return {
    /** Completion events of the people's persist queue (`Prefer: wait`). */
    completions: deps.queueEvents,

    /** A chunk of bulk people (§7): generated ids in one counter step, jobs in one addBulk. */
    async enqueuePersonWrites(
      inputs: readonly PersonCreate[],
      meta: BulkMeta,
    ): Promise<BulkItemOutcome<Person>[]> {
      const written = await enqueueCreatedBatch(
        deps.queue,
        deps.ids,
        'people',
        inputs,
        (id, input) => {
          const person = toPerson(id, input);
          return {
            resource: person,
            job: {
              name: 'person.create',
              data: { requestId: meta.requestId, version: 1, person },
              opts: { jobId: jobIds.persist('people', id, 1) },
            },
          };
        },
      );
      return queuedOutcomes(written);
    },

    async enqueuePersonWrite(
      input: PersonCreate,
      meta: { requestId: string; waitSeconds: number },
    ): Promise<AcceptedWrite<Person>> {
      const person = toPerson(await deps.ids.next('people'), input);
      const version = 1;
      const job = await deps.queue.add(
        'person.create',
        { requestId: meta.requestId, version, person },
        { jobId: jobIds.persist('people', person.id, version) },
      );
      const persisted = await waitForJob(job, deps.queueEvents, meta.waitSeconds);
      return { resource: person, jobId: job.id ?? '', persisted };
    },

    importCsv(source: Readable, meta: { requestId: string }): Promise<ImportReport> {
      return deps.importer.importCsv(source, meta);
    },

    async getPerson(id: number): Promise<CachedRead<Person>> {
      const read = await cached(['id', id], () => deps.people.findById(id));
      if (!read.value) throw new NotFoundError(`person ${id} not found`);
      return { value: read.value, cacheHit: read.cacheHit };
    },

    listPeople(page: PageQuery): Promise<CachedRead<Person[]>> {
      return cached(['page', page.page_num, page.page_size], () => deps.people.listPage(page));
    },

    listPeopleByAge(page: PageQuery): Promise<CachedRead<Person[]>> {
      return cached(['age', page.page_num, page.page_size], () => deps.people.listPageByAge(page));
    },

    idsByLastName(last: string): Promise<CachedRead<number[]>> {
      // Lower-cased and escaped: the lookup is case-insensitive, and a name may contain ':'.
      const key = escapedKeyPart(last.toLowerCase());
      return cached(['last', key], () => deps.people.idsByLastName(last));
    },
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
