import { persistPersonJobSchema } from '../jobs/job-payloads.js';
import { PersonRepository } from '../repositories/person.repository.js';
import {
  personCreateSchema,
  personSchema,
  toPerson,
  type Person,
  type PersonCreate,
} from '../schemas/person.schema.js';
import type { CreatedResource } from './created-resource.js';

/**
 * §2.6: a person. POST /people and bulk writes take their id from the people
 * counter; a CSV import brings its own (the same queue and job either way).
 * People carry no timestamps.
 */
export const peopleResource: CreatedResource<'person', PersonCreate, Person, PersonRepository> = {
  entity: 'people',
  resourceKey: 'person',
  queue: 'persistPeople',
  jobName: 'person.create',
  createSchema: personCreateSchema,
  resourceSchema: personSchema,
  jobSchema: persistPersonJobSchema,
  build: (id, input) => toPerson(id, input),
  store: (pool) => new PersonRepository(pool),
};
