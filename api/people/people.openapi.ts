import { bulkOperationDoc } from '../../shared/openapi/bulk-operation.js';
import {
  acceptedWriteExtra,
  errorAnswerSchema,
  invalidInputResponse,
  notFoundResponse,
  PREFER_WAIT_HEADER,
  resultEnvelope,
} from '../../shared/openapi/envelopes.js';
import type { OperationDoc } from '../../shared/openapi/openapi-document.js';
import {
  lastNameParamSchema,
  personCreateSchema,
  personSchema,
} from '../../shared/schemas/person.schema.js';
import { idParamSchema, pageQuerySchema } from '../../shared/schemas/query.schema.js';

const invalid = invalidInputResponse;
const people = {
  description: 'people',
  schema: resultEnvelope('people', { type: 'array', items: personSchema }),
};

/** The people service's operations, documented from the schemas that validate them. */
export const PEOPLE_OPERATIONS: readonly OperationDoc[] = [
  {
    method: 'get',
    path: '/ping',
    summary: 'Liveness of the legacy contract',
    responses: {
      200: { description: 'pong', schema: { type: 'string' }, contentType: 'text/plain' },
    },
  },
  {
    method: 'get',
    path: '/people',
    summary: 'A page of people, by id',
    query: pageQuerySchema,
    responses: { 200: people, 400: invalid },
  },
  {
    method: 'get',
    path: '/people/age',
    summary: 'A page of people, youngest first; people without an age last',
    query: pageQuerySchema,
    responses: { 200: people, 400: invalid },
  },
  {
    method: 'get',
    path: '/people/:id',
    summary: 'One person',
    params: idParamSchema,
    responses: {
      200: { description: 'the person', schema: resultEnvelope('person', personSchema) },
      400: invalid,
      404: notFoundResponse('person'),
    },
  },
  {
    method: 'get',
    path: '/ids/lastname/:lastname',
    summary: 'The ids of the people with that last name',
    params: lastNameParamSchema,
    responses: {
      200: {
        description: 'ids',
        schema: resultEnvelope('ids', { type: 'array', items: { type: 'integer' } }),
      },
      400: invalid,
    },
  },
  {
    method: 'post',
    path: '/people',
    summary: 'Create a person (queued; answered with its id)',
    body: personCreateSchema,
    headers: [PREFER_WAIT_HEADER],
    responses: {
      201: {
        description: 'persisted',
        schema: resultEnvelope('person', personSchema, acceptedWriteExtra),
      },
      202: {
        description: 'accepted',
        schema: resultEnvelope('person', personSchema, acceptedWriteExtra),
      },
      400: invalid,
    },
  },
  {
    method: 'post',
    path: '/people/import',
    summary:
      'Import a CSV (ID,First,Last,Age,GithubAcct,Date of 3rd Grade Graduation); bad rows reported by line',
    body: { type: 'string', description: 'the CSV file' },
    bodyTypes: ['text/csv'],
    responses: {
      202: {
        description:
          'counts (accepted, duplicate, invalid) and the problems with their line numbers',
        schema: { type: 'object' },
      },
      400: invalid,
      413: { description: 'file too large', schema: errorAnswerSchema },
      415: { description: 'not text/csv', schema: errorAnswerSchema },
    },
  },
  bulkOperationDoc({
    path: '/people/bulk',
    what: 'people (ids generated)',
    item: personCreateSchema,
    resourceKey: 'person',
    resource: personSchema,
  }),
];
