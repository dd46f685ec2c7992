/**
 * Every `code` an error answer can carry (§ errors a program can branch on):
 * stable names, never reworded, listed in every OpenAPI document. A client
 * branches on the code; the messages beside it are for people.
 */
export const ERROR_CODES = [
  'SPW_VALIDATION_FAILED',
  'SPW_MALFORMED_BODY',
  'SPW_BAD_BULK_BODY',
  'SPW_BAD_CSV',
  'SPW_BODY_INCOMPLETE',
  'SPW_TOO_MANY_ITEMS',
  'SPW_UNSUPPORTED_MEDIA_TYPE',
  'SPW_PAYLOAD_TOO_LARGE',
  'SPW_NOT_FOUND',
  'SPW_NO_ROUTE',
  'SPW_METHOD_NOT_ALLOWED',
  'SPW_CONFLICT',
  'SPW_PRECONDITION_FAILED',
  'SPW_UNPROCESSABLE',
  'SPW_IDEMPOTENCY_KEY_REUSED',
  'SPW_REQUEST_IN_PROGRESS',
  'SPW_UNAUTHORIZED',
  'SPW_RATE_LIMITED',
  'SPW_OVERLOADED',
  'SPW_QUEUE_UNAVAILABLE',
  'SPW_WRITE_NOT_REPLICATED',
  'SPW_UPSTREAM_FAILED',
  'SPW_UPSTREAM_REJECTED',
  'SPW_UPSTREAM_UNAVAILABLE',
  'SPW_BULK_FAILED',
  'SPW_ID_SPACE_EXHAUSTED',
  'SPW_BAD_REQUEST',
  'SPW_INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The answer code of an AppError's own code (`VALIDATION_FAILED` → `SPW_VALIDATION_FAILED`). */
export function answerCode(code: string): ErrorCode {
  const prefixed = `SPW_${code}`;
  return (ERROR_CODES as readonly string[]).includes(prefixed)
    ? (prefixed as ErrorCode)
    : 'SPW_INTERNAL';
}
