import { compileValidator } from '../../../shared/validation/ajv.js';
import type { BulkItemOutcome, BulkMeta } from '../../http/bulk/bulk-intake.js';
import type { CallMeta, UpstreamAnswer, UpstreamClient } from './upstream-client.js';

/** A write passed on to an internal service. */
export interface WriteMeta extends CallMeta {
  /** Seconds the client asked to wait for persistence (`Prefer: wait`), already capped. */
  readonly waitSeconds: number;
  readonly idempotencyKey?: string;
}

/** What the internal service said about an accepted write. */
export interface UpstreamWrite<R> {
  readonly resource: R;
  /** 201 when persisted before answering (the client asked to wait), otherwise 202. */
  readonly status: 201 | 202;
  readonly jobId: string;
}

/** Headers that carry the client's intent (and our request id) to the internal service. */
export function writeHeaders(meta: WriteMeta): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': meta.requestId };
  if (meta.waitSeconds > 0) headers.prefer = `wait=${meta.waitSeconds}`;
  if (meta.idempotencyKey) headers['idempotency-key'] = meta.idempotencyKey;
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

/** One bulk chunk's headers: our request id, and what is left of the client's wait. */
export function bulkHeaders(meta: BulkMeta): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': meta.requestId };
  const left = Math.ceil((meta.waitUntil - Date.now()) / 1000);
  if (meta.waitUntil > 0 && left > 0) headers.prefer = `wait=${left}`;
  return headers;
}

/** Seconds a bulk chunk may wait upstream, added to the call's deadline. */
export function bulkWaitMs(meta: BulkMeta): number {
  return meta.waitUntil > 0 ? Math.max(0, meta.waitUntil - Date.now()) : 0;
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
 * An internal service's answer to one bulk chunk (§7) → one outcome per item
 * sent, in order. A refused chunk (413, 429) keeps its status and messages;
 * 503 and 5xx were already raised by the client.
 */
export function readBulkWrite<R>(
  upstream: UpstreamClient,
  answer: UpstreamAnswer,
  sent: number,
  resource: (item: unknown) => R,
): BulkItemOutcome<R>[] {
  if (![201, 202, 207].includes(answer.status)) {
    if (answer.status >= 400 && answer.status < 500) throw upstream.rejected(answer);
    throw upstream.unexpected(answer);
  }
  const { items } = upstream.expectShape(validateBulkAnswer, answer);
  if (items.length !== sent) throw upstream.unexpected(answer);
  return items.map((item): BulkItemOutcome<R> => {
    const entry = item as { status: number; errors?: unknown; job_id?: unknown };
    if (entry.status === 201 || entry.status === 202) {
      return {
        status: 202,
        resource: resource(entry),
        jobId: typeof entry.job_id === 'string' ? entry.job_id : '',
        persisted: entry.status === 201,
      };
    }
    const errors = Array.isArray(entry.errors)
      ? entry.errors.filter((m): m is string => typeof m === 'string')
      : [];
    const status = entry.status === 409 || entry.status === 422 ? entry.status : 400;
    return { status, errors: errors.length > 0 ? errors : [`${upstream.name} refused the item`] };
  });
}

/** Posts one chunk to an internal service's bulk intake and reads one outcome per item sent. */
export async function postBulk<I, R>(
  upstream: UpstreamClient,
  path: string,
  inputs: readonly I[],
  meta: BulkMeta,
  resource: (item: unknown) => R,
): Promise<BulkItemOutcome<R>[]> {
  const answer = await upstream.request({
    method: 'POST',
    path,
    json: inputs,
    headers: bulkHeaders(meta),
    extraMs: bulkWaitMs(meta),
  });
  return readBulkWrite(upstream, answer, inputs.length, resource);
}
