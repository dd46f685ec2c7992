import Router from '@koa/router';
import type { RequestState } from '../http/request-id.js';
import { preferredWaitSeconds } from '../http/prefer-wait.js';
import { answerAcceptedWrite, bodySource, markCache } from '../http/write-response.js';
import { UnsupportedMediaTypeError } from '../../shared/errors/index.js';
import { compileValidator } from '../../shared/validation/ajv.js';
import {
  lastNameParamSchema,
  personCreateSchema,
  type LastNameParam,
  type PersonCreate,
} from '../../shared/schemas/person.schema.js';
import {
  idParamSchema,
  pageQuerySchema,
  type IdParam,
  type PageQuery,
} from '../../shared/schemas/query.schema.js';
import { limitedBody } from '../http/limited-body.js';
import type { PeopleService } from './people.service.js';
import { bulkIntake, type BulkRouteOptions } from '../http/bulk/bulk-route.js';

const validatePersonCreate = compileValidator<PersonCreate>(personCreateSchema);
const validatePage = compileValidator<PageQuery>(pageQuerySchema, 'parameter');
const validateId = compileValidator<IdParam>(idParamSchema, 'parameter');
const validateLastName = compileValidator<LastNameParam>(lastNameParamSchema, 'parameter');

/** The import route streams its own body; the shared body parser must leave it alone. */
export const PEOPLE_IMPORT_PATH = '/people/import';

/** Bulk intake of people (§7); its body is streamed, not parsed by the shared body parser. */
export const PEOPLE_BULK_PATH = '/people/bulk';

/**
 * A blank field is an absent one, as in the CSV: `age=` in a form or
 * `"age": null` in JSON means "no age", not "age 0" or a type error.
 */
export function withoutBlankFields(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(
    Object.entries(body).filter(
      ([, value]) => value !== null && !(typeof value === 'string' && value.trim() === ''),
    ),
  );
}

/** §2.6 of the spec: the people service's routes. */
export function peopleRoutes(
  service: PeopleService,
  options: BulkRouteOptions & { importMaxBytes: number },
) {
  const router = new Router<RequestState>();

  router.get('/ping', (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = 'pong';
  });

  router.get('/people', async (ctx) => {
    const { value, cacheHit } = await service.listPeople(validatePage({ ...ctx.query }));
    markCache(ctx, cacheHit);
    ctx.body = { result: true, people: value };
  });

  // Before /people/:id, which would otherwise take "age" for an id.
  router.get('/people/age', async (ctx) => {
    const { value, cacheHit } = await service.listPeopleByAge(validatePage({ ...ctx.query }));
    markCache(ctx, cacheHit);
    ctx.body = { result: true, people: value };
  });

  router.get('/people/:id', async (ctx) => {
    const { id } = validateId({ id: ctx.params.id });
    const { value, cacheHit } = await service.getPerson(id);
    markCache(ctx, cacheHit);
    ctx.body = { result: true, person: value };
  });

  router.get('/ids/lastname/:lastname', async (ctx) => {
    const { lastname } = validateLastName({ lastname: ctx.params.lastname });
    const { value, cacheHit } = await service.idsByLastName(lastname);
    markCache(ctx, cacheHit);
    ctx.body = { result: true, ids: value };
  });

  router.post('/people', async (ctx) => {
    const input = validatePersonCreate(withoutBlankFields(ctx.request.body), bodySource(ctx));
    const write = await service.enqueuePersonWrite(input, {
      requestId: ctx.state.requestId,
      waitSeconds: preferredWaitSeconds(ctx.get('Prefer'), options.preferWaitMaxSeconds),
    });
    answerAcceptedWrite(ctx, write, `/people/${write.resource.id}`, { person: write.resource });
  });

  router.post(PEOPLE_IMPORT_PATH, async (ctx) => {
    if (!ctx.is('text/csv', 'application/csv')) {
      throw new UnsupportedMediaTypeError('unsupported content type: send the file as text/csv');
    }
    const report = await service.importCsv(limitedBody(ctx.req, options.importMaxBytes), {
      requestId: ctx.state.requestId,
    });
    ctx.status = 202;
    ctx.body = { result: true, ...report };
  });

  router.post(
    PEOPLE_BULK_PATH,
    bulkIntake(
      {
        resourceKey: 'person',
        validate: validatePersonCreate,
        normalize: withoutBlankFields,
        enqueueChunk: (items, meta) => service.enqueuePersonWrites(items, meta),
        completions: service.completions,
      },
      options,
    ),
  );

  return router;
}
