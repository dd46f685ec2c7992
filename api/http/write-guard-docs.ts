import { errorAnswerSchema } from '../../shared/infra/openapi/envelopes.js';
import type { OperationDoc, ResponseDoc } from '../../shared/infra/openapi/openapi-document.js';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency.js';

const IDEMPOTENCY_KEY_HEADER = {
  name: 'Idempotency-Key',
  description: `Up to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters. Within 24 h the same key with the same request replays the first 2xx answer and enqueues nothing; with a different request it is 422`,
};

/** Answers every write may give because of the reliability checks (api/http/service-guards.ts). */
const GUARD_RESPONSES: Readonly<Record<number, ResponseDoc>> = {
  409: {
    description: 'A request with the same Idempotency-Key is still in progress (retry shortly)',
    schema: errorAnswerSchema,
  },
  413: { description: 'Body larger than the limit (64 kB)', schema: errorAnswerSchema },
  422: {
    description: 'Idempotency-Key already used for a different request',
    schema: errorAnswerSchema,
  },
  429: {
    description: 'Too many requests from this client (see Retry-After)',
    schema: errorAnswerSchema,
  },
  503: {
    description: 'The write queue is backlogged (see Retry-After); nothing was enqueued',
    schema: errorAnswerSchema,
  },
};

/**
 * Write operations documented with the `Idempotency-Key` header and the
 * guard answers; a response the service already documents (e.g. its own 409
 * for a taken username) is kept as it is.
 */
export function withWriteGuardDocs(operations: readonly OperationDoc[]): OperationDoc[] {
  return operations.map((operation) =>
    operation.method === 'get'
      ? operation
      : {
          ...operation,
          headers: [...(operation.headers ?? []), IDEMPOTENCY_KEY_HEADER],
          responses: { ...GUARD_RESPONSES, ...operation.responses },
        },
  );
}
