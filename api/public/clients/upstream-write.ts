import { createHash, randomUUID } from 'node:crypto';
import { compileValidator, type Validator } from '../../../shared/infra/validation/ajv.js';
import type { BulkItemOutcome, BulkMeta } from '../../bulk-writes.js';
import type { WriteMeta as ServiceWriteMeta } from '../../write-results.js';
import type { CallMeta, UpstreamAnswer, UpstreamClient } from './upstream-client.js';

/** A write passed on to an internal service. */
export interface WriteMeta extends CallMeta, ServiceWriteMeta {
  readonly idempotencyKey?: string;
}

/** What the internal service said about an accepted write. */
export interface UpstreamWrite<R> {
  readonly resource: R;
  /** 201 when persisted before answering (the client asked to wait), otherwise 202. */
  readonly status: 201 | 202;
  readonly jobId: string;
}

/**
 * The key a write goes upstream under, derived from the key the client can
 * retry it under (its own `Idempotency-Key`, or one the public API made for
 * the write and names in a time-out's 503): the same client key is the same
 * upstream key, so a retry after an upstream time-out is answered once by
 * the internal service instead of stored twice. Hashed with our scope, so a
 * client's key never meets another caller's keys at the internal service.
 */
export function upstreamIdempotencyKey(clientKey: string): string {
  const digest = createHash('sha256').update(`public-api\0${clientKey}`).digest('hex');
  return `public-api-${digest.slice(0, 48)}`;
}

/**
 * Headers that carry the client's intent (and our request id) to the
 * internal service, every write under an Idempotency-Key derived from
 * `clientKey` (see upstreamIdempotencyKey).
 */
export function writeHeaders(meta: WriteMeta, clientKey: string): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': meta.requestId };
  if (meta.waitSeconds > 0) headers.prefer = `wait=${meta.waitSeconds}`;
  headers['idempotency-key'] = upstreamIdempotencyKey(clientKey);
  return headers;
}

/** 201/202 → the resource; a 4xx is the client's problem and keeps its status and messages. */
export function readWrite<R>(
  upstream: UpstreamClient,
  answer: UpstreamAnswer,
  resource: (answer: UpstreamAnswer) => R,
): UpstreamWrite<R> {
  if (answer.status === 201 || answer.status === 202) {
    const body = answer.body as { job_id?: unknown };
    return {
      resource: resource(answer),
      status: answer.status,
      jobId: typeof body.job_id === 'string' ? body.job_id : (answer.headers['x-job-id'] ?? ''),
    };
  }
  if (answer.status >= 400 && answer.status < 500) throw upstream.rejected(answer);
  throw upstream.unexpected(answer);
}

const validateBulkAnswer = compileValidator<{ items: { index: number; status: number }[] }>({
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'status'],
        properties: { index: { type: 'integer' }, status: { type: 'integer' } },
      },
    },
  },
});

/**
 * Posts one bulk chunk (§7) to an internal service's bulk intake, with what
 * is left of the client's wait, and reads one outcome per item sent, in
 * order; each accepted item's resource is checked with `validate` (as
 * `{<key>: resource}`). A refused chunk (413, 429) keeps its status and
 * messages; 503 and 5xx were already raised by the client. Under the
 * client's `Idempotency-Key` the chunk is sent under a key of its own, planned
 * (kept with the client's key) before it is sent: a retry after a crash sends
 * the chunk under the same key, and the internal service answers it once.
 */
export async function postBulk<I, K extends string, R>(
  upstream: UpstreamClient,
  path: string,
  inputs: readonly I[],
  meta: BulkMeta,
  item: { readonly key: K; readonly validate: Validator<Record<K, R>> },
): Promise<BulkItemOutcome<R>[]> {
  const waitMs = meta.waitUntil > 0 ? Math.max(0, meta.waitUntil - Date.now()) : 0;
  const headers: Record<string, string> = { 'x-request-id': meta.requestId };
  if (waitMs >= 1000) headers.prefer = `wait=${Math.floor(waitMs / 1000)}`;
  if (meta.idempotency) {
    const { chunkKey } = await meta.idempotency.plan(() => ({ chunkKey: randomUUID() }));
    headers['idempotency-key'] = chunkKey;
  }
  const answer = await upstream.request({
    method: 'POST',
    path,
    json: inputs,
    headers,
    extraMs: waitMs,
  });
  if (![201, 202, 207].includes(answer.status)) {
    if (answer.status >= 400 && answer.status < 500) throw upstream.rejected(answer);
    throw upstream.unexpected(answer);
  }
  const { items } = upstream.expectShape(validateBulkAnswer, answer);
  if (items.length !== inputs.length) throw upstream.unexpected(answer);
  return items.map((entry): BulkItemOutcome<R> => {
    const { status, errors, job_id } = entry as {
      status: number;
      errors?: unknown;
      job_id?: unknown;
    };
    if (status === 201 || status === 202) {
      const shaped = upstream.expectShape(item.validate, { ...answer, body: entry });
      return {
        status: 202,
        resource: shaped[item.key],
        jobId: typeof job_id === 'string' ? job_id : '',
        persisted: status === 201,
      };
    }
    const messages = Array.isArray(errors)
      ? errors.filter((m): m is string => typeof m === 'string')
      : [];
    return {
      status: status === 409 || status === 422 ? status : 400,
      errors: messages.length > 0 ? messages : [`${upstream.name} refused the item`],
    };
  });
}
