import type { Readable } from 'node:stream';
import { escapedKeyPart } from '../../shared/infra/redis/redis-keys.js';
import type { PersonRepository } from '../../shared/domain/repositories/person.repository.js';
import { peopleResource } from '../../shared/domain/resources/people.resource.js';
import type { Person } from '../../shared/domain/schemas/person.schema.js';
import type { PageQuery } from '../../shared/domain/schemas/query.schema.js';
import {
  createCreatedResourceService,
  type CreatedResourceDeps,
} from '../resources/created-resource.service.js';
import type { CachedRead } from '../write-results.js';
import type { ImportReport } from '../../shared/domain/people/import-report.js';
import type { AdmitRows } from '../../shared/domain/people/people-import.js';
import type { PeopleImporter } from '../../shared/domain/people/people-import.js';

export interface PeopleServiceDeps extends CreatedResourceDeps<'person', Person, PersonRepository> {
  readonly importer: PeopleImporter;
}

/**
 * People (§2.6): the created-resource service, plus CSV imports (which bring
 * their own ids to the same persist queue) and the legacy look-ups.
 */
export function createPeopleService(deps: PeopleServiceDeps) {
  const people = createCreatedResourceService(peopleResource, deps);
  return {
    ...people,

    importCsv(
      source: Readable,
      meta: { requestId: string; admit?: AdmitRows },
    ): Promise<ImportReport> {
      return deps.importer.importCsv(source, meta);
    },

    listPeople(page: PageQuery): Promise<CachedRead<Person[]>> {
      return people.read(['page', page.page_num, page.page_size, page.after ?? ''], () =>
        deps.store.listPage(page),
      );
    },

    listPeopleByAge(page: PageQuery): Promise<CachedRead<Person[]>> {
      return people.read(['age', page.page_num, page.page_size, page.after ?? ''], () =>
        deps.store.listPageByAge(page),
      );
    },

    idsByLastName(last: string): Promise<CachedRead<number[]>> {
      // Lower-cased and escaped: the lookup is case-insensitive, and a name may contain ':'.
      const key = escapedKeyPart(last.toLowerCase());
      return people.read(['last', key], () => deps.store.idsByLastName(last));
    },
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
