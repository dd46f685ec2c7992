import { QUEUE_NAMES } from '../../shared/jobs/queue-names.js';
import { PersonRepository } from '../../shared/repositories/person.repository.js';
import type { ServiceModule } from '../service-module.js';
import { createPeopleImporter } from '../../shared/people/people-import.js';
import { peopleRoutes } from './people.routes.js';
import { createPeopleService } from './people.service.js';

/**
 * §2.6: the people service. Its id counter is raised past the ids MySQL holds
 * before any write; each import raises it past the ids it queues.
 */
export const peopleModule: ServiceModule = {
  name: 'people',
  title: 'Spillway people service',
  dependencies: ['redis_queue', 'redis_cache', 'mysql'],
  async build(context) {
    const people = new PersonRepository(context.connections.mysql);
    await context.ids.keepAbove('people', () => people.maxId());
    const queue = context.queues.persistPeople;
    const service = createPeopleService({
      queue,
      queueEvents: context.queueEvents(QUEUE_NAMES.persistPeople),
      ids: context.ids,
      cache: context.cache,
      store: people,
      importer: createPeopleImporter({ queue, people, ids: context.ids }),
    });
    return {
      routes: peopleRoutes(service, {
        ...context.config.http,
        ...context.config.people,
        bulk: context.config.bulk,
      }),
      // The replicate queue is fed by this queue's worker: a stalled Mongo backs writes up too.
      writeQueues: [queue, context.queues.replicate],
    };
  },
};
