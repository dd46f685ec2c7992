import { AppError } from './app-error.js';

/**
 * The write's job reached the queue Redis primary but no replica confirmed it
 * in time (`WAIT`), so a failover now could lose it: the write is not
 * acknowledged. The job may still be stored; a retry with the same
 * Idempotency-Key is answered from the first attempt.
 */
export class WriteNotReplicatedError extends AppError {
  constructor(detail: { replicas: number; confirmed: number; timeoutMs: number }) {
    super(
      `the write reached the queue but ${detail.confirmed} of ${detail.replicas} replica(s) confirmed it within ${detail.timeoutMs} ms; retry shortly`,
      {
        code: 'WRITE_NOT_REPLICATED',
        status: 503,
        expose: true,
        headers: { 'Retry-After': '1' },
      },
    );
  }
}
