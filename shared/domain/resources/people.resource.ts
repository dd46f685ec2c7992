import { persistPersonJobSchema } from '../writes/write-jobs.js';
import { PersonRepository } from '../repositories/person.repository.js';
import {
  personCreateSchema,
  personSchema,
  toPerson,
  type Person,
  type PersonCreate,
} from '../schemas/person.schema.js';
import { createdResource } from './created-resource.js';

/**
 * §2.6: a person. POST /people and bulk writes take their id from the people
 * counter; a CSV import brings its own (the same queue and job either way).
 * People carry no timestamps.
 */
export const peopleResource = createdResource<'person', PersonCreate, Person, PersonRepository>({
  entity: 'people',
  resourceKey: 'person',
  createSchema: personCreateSchema,
  resourceSchema: personSchema,
  jobSchema: persistPersonJobSchema,
  sql: {
    table: 'people',
    columns: Object.keys(personSchema.properties),
    // DATE comes back as a string in the API's form: no Date object, no time zone shift.
    readAs: { third_grade_graduation: "DATE_FORMAT(third_grade_graduation, '%Y-%m-%d')" },
  },
  build: (id, input) => toPerson(id, input),
  store: (pool, sql) => new PersonRepository(pool, sql),
});
