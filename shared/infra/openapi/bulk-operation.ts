import type { OperationDoc } from './openapi-document.js';
import { PREFER_WAIT_HEADER, errorAnswerSchema } from './envelopes.js';

/** One item's result in a bulk answer: queued (with the resource) or refused (with errors). */
function bulkItemSchema(resourceKey: string, resource: object) {
  return {
    type: 'object',
    required: ['index', 'status'],
    properties: {
      index: { type: 'integer', minimum: 0, description: 'position in the request body' },
      status: { type: 'integer', enum: [201, 202, 400, 409, 422] },
      [resourceKey]: resource,
      job_id: { type: 'string' },
      errors: { type: 'array', items: { type: 'string' } },
    },
  };
}

/** The bulk answer: counts, and one entry per item in input order. */
function bulkAnswerSchema(resourceKey: string, resource: object, stopped: boolean) {
  return {
    type: 'object',
    required: ['result', 'accepted', 'rejected', 'items'],
    properties: {
      result: { type: 'boolean', enum: [!stopped] },
      accepted: { type: 'integer', minimum: 0 },
      rejected: { type: 'integer', minimum: 0 },
      items: { type: 'array', items: bulkItemSchema(resourceKey, resource) },
      ...(stopped && {
        errors: { type: 'array', items: { type: 'string' } },
        processed: {
          type: 'integer',
          minimum: 0,
          description: 'items before this index have their result; none from it on was enqueued',
        },
      }),
    },
  };
}

/**
 * `POST <path>` for bulk intake (§7), documented from the same item schema
 * that validates each item. NDJSON carries the same items, one per line, and
 * is answered as NDJSON: one result line per item, then a summary line.
 */
export function bulkOperationDoc(options: {
  path: string;
  what: string;
  item: object;
  resourceKey: string;
  resource: object;
}): OperationDoc {
  const { resourceKey, resource } = options;
  const answer = bulkAnswerSchema(resourceKey, resource, false);
  const partial = (description: string) => ({
    description: `${description}; the items processed before it are listed with their results`,
    schema: bulkAnswerSchema(resourceKey, resource, true),
  });
  return {
    method: 'post',
    path: options.path,
    summary: `Create many ${options.what} in one request: a JSON array, or NDJSON (one per line), streamed; each item is validated, queued and answered on its own`,
    body: {
      type: 'array',
      items: options.item,
      description:
        'at most BULK_MAX_ITEMS items (10,000 unless configured); as NDJSON, one item per line',
    },
    bodyTypes: ['application/json', 'application/x-ndjson'],
    headers: [PREFER_WAIT_HEADER],
    responses: {
      201: { description: 'every item queued and persisted (Prefer: wait)', schema: answer },
      202: { description: 'every item accepted and queued', schema: answer },
      207: { description: 'some items refused (their errors name the field)', schema: answer },
      400: partial('the body could not be read on (not JSON, an item too large)'),
      413: partial('more items than BULK_MAX_ITEMS, or a body over BULK_MAX_BYTES'),
      415: { description: 'not JSON or NDJSON', schema: errorAnswerSchema },
      429: partial('the client spent its budget of writes (items count, see Retry-After)'),
      503: partial('the write queue is backlogged (see Retry-After)'),
    },
  };
}
