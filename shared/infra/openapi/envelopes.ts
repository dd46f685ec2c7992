import { ERROR_CODES } from '../errors/error-codes.js';

/** Schemas of the answer envelopes every service shares, for the OpenAPI documents. */
export const errorAnswerSchema = {
  type: 'object',
  required: ['result', 'code', 'errors'],
  properties: {
    result: { type: 'boolean', enum: [false] },
    code: {
      type: 'string',
      enum: ERROR_CODES,
      description: 'stable: branch on it (the messages are for people)',
    },
    errors: { type: 'array', items: { type: 'string' } },
    request_id: {
      type: 'string',
      description: 'on every 5xx: the id of the log line that tells what happened',
    },
  },
} as const;

/** `{"result": true, <field>: <schema>}` plus whatever a write answer adds. */
export function resultEnvelope(field: string, schema: object, extra: Record<string, object> = {}) {
  return {
    type: 'object',
    required: ['result', field],
    properties: { result: { type: 'boolean', enum: [true] }, [field]: schema, ...extra },
  };
}

export const acceptedWriteExtra = { job_id: { type: 'string' } };

export const PREFER_WAIT_HEADER = {
  name: 'Prefer',
  description: 'RFC 7240 `wait=N`: answer 201 once the write is persisted, or 202 after N seconds',
};

/** The 400 every validated operation may answer. */
export const invalidInputResponse = {
  description: 'invalid input; each message names a field',
  schema: errorAnswerSchema,
};

/** A 404 for one kind of resource. */
export function notFoundResponse(what: string) {
  return { description: `no such ${what}`, schema: errorAnswerSchema };
}

/** The answers of a page read: `{ result: true, <field>: [item…] }`, or 400 for a bad page. */
export function pageResponses(field: string, item: object) {
  return {
    200: { description: field, schema: resultEnvelope(field, { type: 'array', items: item }) },
    400: invalidInputResponse,
  };
}

/** The accepted answers of a write (`{ result: true, <field>: resource, job_id }`), by status. */
export function writtenResponses(
  field: string,
  resource: object,
  descriptions: Readonly<Record<number, string>>,
) {
  return Object.fromEntries(
    Object.entries(descriptions).map(([status, description]) => [
      status,
      { description, schema: resultEnvelope(field, resource, acceptedWriteExtra) },
    ]),
  );
}

/** The answers of a read of one resource by its key. */
export function oneResponses(
  field: string,
  resource: object,
  notFound: { description: string; schema?: object },
) {
  return {
    200: { description: `the ${field}`, schema: resultEnvelope(field, resource) },
    400: invalidInputResponse,
    404: notFound,
  };
}
