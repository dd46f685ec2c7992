import { compileValidator, type Validator } from '../../../shared/infra/validation/ajv.js';
import type { BulkItemOutcome, BulkMeta } from '../../bulk-writes.js';
import { randomUUID } from 'node:crypto';
import type { CallMeta, UpstreamClient } from './upstream-client.js';
import {
  postBulk,
  readWrite,
  writeHeaders,
  type UpstreamWrite,
  type WriteMeta,
} from './upstream-write.js';

/** Which created resource of an internal service a client speaks to. */
export interface CreatedResourceCalls<K extends string> {
  /** Its path segment (`users`). */
  readonly entity: string;
  /** The field its answers carry it under (`user`). */
  readonly resourceKey: K;
  /** Its schema, as the internal service answers it. */
  readonly resourceSchema: object;
}

/**
 * The calls the public API makes on every created resource of an internal
 * service (users, listings): one by id, one write, one bulk chunk.
 */
export function createdResourceClient<K extends string, C, R>(
  upstream: UpstreamClient,
  { entity, resourceKey, resourceSchema }: CreatedResourceCalls<K>,
) {
  // Answers are checked field by field; extra top-level fields (job_id) are allowed.
  const validateOne: Validator<Record<K, R>> = compileValidator({
    type: 'object',
    required: [resourceKey],
    properties: { [resourceKey]: resourceSchema },
  });
  return {
    /** The resource, or null when the service does not know the id (yet). */
    async getOne(id: number, meta: CallMeta): Promise<R | null> {
      const answer = await upstream.request({
        method: 'GET',
        path: `/${entity}/${id}`,
        headers: { 'x-request-id': meta.requestId },
      });
      if (answer.status === 404) return null;
      if (answer.status !== 200) throw upstream.unexpected(answer);
      return upstream.expectShape(validateOne, answer)[resourceKey];
    },

    /** One bulk chunk, in one request to the service's bulk intake. */
    createMany(inputs: readonly C[], meta: BulkMeta): Promise<BulkItemOutcome<R>[]> {
      return postBulk(upstream, `/${entity}/bulk`, inputs, meta, {
        key: resourceKey,
        validate: validateOne,
      });
    },

    /**
     * One write, under an upstream key derived from the client's
     * `Idempotency-Key`, or from one made for it when the client sent none
     * (then named in a time-out's 503, so the client can retry safely).
     */
    async createOne(input: C, meta: WriteMeta): Promise<UpstreamWrite<R>> {
      const clientKey = meta.idempotencyKey ?? randomUUID();
      const answer = await upstream.request({
        method: 'POST',
        path: `/${entity}`,
        json: input,
        headers: writeHeaders(meta, clientKey),
        extraMs: meta.waitSeconds * 1000,
        retryKey: clientKey,
      });
      return readWrite(upstream, answer, (a) => upstream.expectShape(validateOne, a)[resourceKey]);
    },
  };
}
