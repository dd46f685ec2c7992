import { createPeopleImporter } from '../../shared/domain/people/people-import.js';
import { peopleResource } from '../../shared/domain/resources/people.resource.js';
import {
  CREATED_RESOURCE_DEPENDENCIES,
  createdResourceDeps,
  createdResourceWriteQueues,
} from '../resources/created-resource.module.js';
import type { ServiceModule } from '../service-module.js';
import { peopleRoutes } from './people.routes.js';
import { createPeopleService } from './people.service.js';

/** §2.6: the people service; each CSV import raises the id counter past the ids it queues. */
export const peopleModule: ServiceModule = {
  name: 'people',
  title: 'Spillway people service',
  dependencies: CREATED_RESOURCE_DEPENDENCIES,
  async build(context) {
    const deps = await createdResourceDeps(peopleResource, context);
    const service = createPeopleService({
      ...deps,
      importer: createPeopleImporter({
        queue: deps.queue,
        people: deps.store,
        ids: deps.ids,
        maxId: context.config.people.maxImportId,
      }),
    });
    return {
      routes: peopleRoutes(service, {
        ...context.config.http,
        ...context.config.people,
        bulk: context.config.bulk,
      }),
      writeQueues: createdResourceWriteQueues(peopleResource, context),
    };
  },
};
