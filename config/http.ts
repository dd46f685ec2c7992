import type { EnvReader } from './env-parsers.js';
import type { Config } from './types.js';

/**
 * PREFER_WAIT_MAX_SECONDS: the longest `Prefer: wait` a request may ask for.
 * MAX_PAGE_OFFSET: how deep `page_num × page_size` may reach; past it, the cursor.
 */
export function readHttp(read: EnvReader): Config['http'] {
  return {
    preferWaitMaxSeconds: read.int('PREFER_WAIT_MAX_SECONDS', 30, { min: 0, max: 600 }),
    // A page asked by number reads and discards (page_num − 1) × page_size rows first.
    maxPageOffset: read.int('MAX_PAGE_OFFSET', 10_000, { min: 0, max: 100_000_000 }),
  };
}

/**
 * HTTP_*_TIMEOUT_MS: how long every listener waits for a request's headers and
 * for the whole request, and keeps an idle keep-alive connection. The request
 * bound is sized for the largest legitimate body (a 64 MB bulk body or a 50 MB
 * CSV import) on a link of about 0.6 Mbit/s and holds only on the routes that
 * stream such bodies (bulk, import); every other route (single writes of at
 * most 64 kB, reads) has the short bound. The header bound is short because
 * headers are a few kB. Node requires headers ≤ request. HTTP_MAX_CONNECTIONS
 * bounds the open connections of each listener.
 */
export function readHttpServer(read: EnvReader): Config['httpServer'] {
  const headersTimeoutMs = read.int('HTTP_HEADERS_TIMEOUT_MS', 30_000, { min: 100, max: 600_000 });
  const requestTimeoutMs = read.int('HTTP_REQUEST_TIMEOUT_MS', 900_000, {
    min: 100,
    max: 86_400_000,
  });
  if (headersTimeoutMs > requestTimeoutMs) {
    read.problem(
      `HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
    );
  }
  // 30 s by default, never above the long bound (a test may set that one low).
  const shortRequestTimeoutMs = read.int(
    'HTTP_SHORT_REQUEST_TIMEOUT_MS',
    Math.min(30_000, requestTimeoutMs),
    {
      min: 100,
      max: 86_400_000,
    },
  );
  if (shortRequestTimeoutMs > requestTimeoutMs) {
    read.problem(
      `HTTP_SHORT_REQUEST_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
    );
  }
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    shortRequestTimeoutMs,
    // Below the usual 65,536 descriptors per process, with room for Redis, MySQL and Mongo sockets.
    maxConnections: read.int('HTTP_MAX_CONNECTIONS', 10_000, { min: 1, max: 1_000_000 }),
    // Above the 60 s idle timeout of common load balancers, so they, not we, close idle
    // connections (a close racing the balancer's next request would fail that request).
    keepAliveTimeoutMs: read.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 65_000, { min: 1000, max: 600_000 }),
  };
}

/** IDEMPOTENCY_*: how long answers are replayed and keys stay reserved. */
export function readIdempotency(read: EnvReader): Config['idempotency'] {
  return {
    ttlSeconds: read.int('IDEMPOTENCY_TTL_SECONDS', 86_400, { min: 1, max: 30 * 86_400 }),
    pendingTtlSeconds: read.int('IDEMPOTENCY_PENDING_TTL_SECONDS', 120, { min: 1, max: 3600 }),
  };
}
