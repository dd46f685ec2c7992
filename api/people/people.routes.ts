import type { BulkRouteOptions } from '../http/bulk/bulk-route.js';
import { limitedBody } from '../http/limited-body.js';
import { preferredWaitSeconds } from '../http/prefer-wait.js';
import { pageRoute, pingRoute } from '../http/common-routes.js';
import { route, type Route } from '../http/route-table.js';
import { answerAcceptedWrite, answerCachedRead } from '../http/write-response.js';
import { createdResourceRoutes } from '../resources/created-resource.routes.js';
import { UnsupportedMediaTypeError } from '../../shared/domain/errors/index.js';
import {
  errorAnswerSchema,
  invalidInputResponse,
  PREFER_WAIT_HEADER,
  resultEnvelope,
  writtenResponses,
} from '../../shared/infra/openapi/envelopes.js';
import { peopleResource } from '../../shared/domain/resources/people.resource.js';
import {
  lastNameParamSchema,
  personCreateSchema,
  personSchema,
} from '../../shared/domain/schemas/person.schema.js';
import type { PeopleService } from './people.service.js';
import { NO_AGE_ORDER } from '../../shared/domain/people/age-order.js';

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

/** Pages of people: by id, and youngest first. */
function peoplePageRoutes(service: PeopleService): Route[] {
  return [
    pageRoute({
      path: '/people',
      summary: 'A page of people, by id',
      field: 'people',
      item: personSchema,
      list: (page) => service.listPeople(page),
      cursorOf: (person) => [person.id],
    }),
    // Before /people/:id, which would otherwise take "age" for an id.
    pageRoute({
      path: '/people/age',
      summary: 'A page of people, youngest first; people without an age last',
      field: 'people',
      item: personSchema,
      list: (page) => service.listPeopleByAge(page),
      cursorOf: (person) => [person.age ?? NO_AGE_ORDER, person.id],
    }),
  ];
}

/** `GET /ids/lastname/:lastname`: the ids of the people with that last name. */
function idsByLastNameRoute(service: PeopleService): Route {
  return route({
    method: 'get',
    path: '/ids/lastname/:lastname',
    summary: 'The ids of the people with that last name',
    params: lastNameParamSchema,
    responses: {
      200: {
        description: 'ids',
        schema: resultEnvelope('ids', { type: 'array', items: { type: 'integer' } }),
      },
      400: invalidInputResponse,
    },
    handler: async (ctx, { params }) =>
      answerCachedRead(ctx, 'ids', await service.idsByLastName(params.lastname)),
  });
}

/** `POST /people`: one person, blank fields absent, queued and answered with its id. */
function createPersonRoute(service: PeopleService, options: BulkRouteOptions): Route {
  return route({
    method: 'post',
    path: '/people',
    summary: 'Create a person (queued; answered with its id)',
    body: personCreateSchema,
    prepareBody: withoutBlankFields,
    headers: [PREFER_WAIT_HEADER],
    responses: {
      ...writtenResponses('person', personSchema, { 201: 'persisted', 202: 'accepted' }),
      400: invalidInputResponse,
    },
    async handler(ctx, { body }) {
      const write = await service.enqueueWrite(body, {
        requestId: ctx.state.requestId,
        waitSeconds: preferredWaitSeconds(ctx.get('Prefer'), options.preferWaitMaxSeconds),
        idempotency: ctx.state.idempotency,
      });
      answerAcceptedWrite(ctx, write, `/people/${write.resource.id}`, {
        person: write.resource,
      });
    },
  });
}

/** `POST /people/import`: a CSV file, streamed; bad rows reported by line. */
function importCsvRoute(service: PeopleService, options: { importMaxBytes: number }): Route {
  return route({
    method: 'post',
    path: '/people/import',
    summary:
      'Import a CSV (ID,First,Last,Age,GithubAcct,Date of 3rd Grade Graduation); bad rows reported by line',
    streamedBody: { kind: 'raw', doc: { type: 'string', description: 'the CSV file' } },
    bodyTypes: ['text/csv'],
    responses: {
      202: {
        description:
          'counts (accepted, duplicate, invalid) and the problems with their line numbers',
        schema: { type: 'object' },
      },
      400: invalidInputResponse,
      413: { description: 'file too large', schema: errorAnswerSchema },
      415: { description: 'not text/csv', schema: errorAnswerSchema },
    },
    async handler(ctx) {
      if (!ctx.is('text/csv', 'application/csv')) {
        throw new UnsupportedMediaTypeError('unsupported content type: send the file as text/csv');
      }
      const guards = ctx.state.bulk;
      const report = await service.importCsv(limitedBody(ctx.req, options.importMaxBytes), {
        requestId: ctx.state.requestId,
        // A CSV import counts its rows against the rate limit and the backlog bound (§3.7).
        admit: (rows) => guards.admit(rows),
      });
      ctx.status = 202;
      ctx.body = { result: true, ...report };
    },
  });
}

/** §2.6 of the spec: the people service's routes. */
export function peopleRoutes(
  service: PeopleService,
  options: BulkRouteOptions & { importMaxBytes: number },
): Route[] {
  const generic = createdResourceRoutes(peopleResource, service, {
    ...options,
    bulkWhat: 'people (ids generated)',
    normalizeBulkItem: withoutBlankFields,
  });
  return [
    pingRoute('/ping', 'pong'),
    ...peoplePageRoutes(service),
    generic.getOne,
    idsByLastNameRoute(service),
    createPersonRoute(service, options),
    importCsvRoute(service, options),
    generic.bulk,
  ];
}
