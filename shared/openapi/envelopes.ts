/** Schemas of the answer envelopes every service shares, for the OpenAPI documents. */
export const errorAnswerSchema = {
  type: 'object',
  required: ['result', 'errors'],
  properties: {
    result: { type: 'boolean', enum: [false] },
    errors: { type: 'array', items: { type: 'string' } },
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
