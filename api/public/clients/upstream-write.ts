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
