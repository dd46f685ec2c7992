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
import { idParamSchema, userQuerySchema } from '../../shared/schemas/query.schema.js';
import { userCreateSchema, userSchema } from '../../shared/schemas/user.schema.js';

const invalid = invalidInputResponse;

/** The user service's operations, documented from the schemas that validate them. */
export const USER_OPERATIONS: readonly OperationDoc[] = [
  {
    method: 'get',
    path: '/users',
    summary: 'A page of users, newest first; or, with ids=1,2,3, those users',
    query: userQuerySchema,
    responses: {
      200: {
        description: 'users',
        schema: resultEnvelope('users', { type: 'array', items: userSchema }),
      },
      400: invalid,
    },
  },
  {
    method: 'get',
    path: '/users/:id',
    summary: 'One user',
    params: idParamSchema,
    responses: {
      200: { description: 'the user', schema: resultEnvelope('user', userSchema) },
      400: invalid,
      404: notFoundResponse('user'),
    },
  },
  {
    method: 'post',
    path: '/users',
    summary: 'Create a user (queued; answered with its id)',
    body: userCreateSchema,
    headers: [PREFER_WAIT_HEADER],
    responses: {
      201: {
        description: 'persisted (Prefer: wait)',
        schema: resultEnvelope('user', userSchema, acceptedWriteExtra),
      },
      202: {
        description: 'accepted and queued',
        schema: resultEnvelope('user', userSchema, acceptedWriteExtra),
      },
      400: invalid,
      415: { description: 'not JSON or form data', schema: errorAnswerSchema },
    },
  },
  bulkOperationDoc({
    path: '/users/bulk',
    what: 'users',
    item: userCreateSchema,
    resourceKey: 'user',
    resource: userSchema,
  }),
];
