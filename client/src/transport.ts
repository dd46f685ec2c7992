import { Pool } from 'undici';

/** One HTTP request as the client sends it. */
export interface HttpRequest {
  /** `http://host:port` */
  readonly origin: string;
  /** Path and query, starting with `/`. */
  readonly path: string;
  readonly method: 'POST' | 'PATCH' | 'DELETE';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** An HTTP answer, read whole. */
export interface HttpAnswer {
  readonly status: number;
  /** Header values by lower-case name. */
  header(name: string): string | undefined;
  readonly text: string;
}

/** Sends one request and reads its whole answer; throws `TransportError` when none arrives. */
export type Transport = (request: HttpRequest) => Promise<HttpAnswer>;

/**
 * A request that got no answer. `reachedServer` is false only when the
 * connection was never made (refused, unknown host, connect time-out), so the
 * server cannot have seen it; otherwise (reset, closed, time-out after the
 * body was sent) the server may have processed it.
 */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly reachedServer: boolean,
    readonly errorCode: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

/** Errors raised before any byte of the request left: the server never saw it. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_INVALID_ARG',
]);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Turns whatever undici threw into a `TransportError` that says if the server may have seen it. */
export function asTransportError(error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const code = errorCode(error) ?? errorCode((error as { cause?: unknown } | undefined)?.cause);
  const message = error instanceof Error ? error.message : String(error);
  return new TransportError(message, !(code !== undefined && NOT_SENT.has(code)), code, {
    cause: error,
  });
}

export interface UndiciTransportOptions {
  /** Connections per origin. */
  readonly connections: number;
  /** How long an answer may take, from sending to its last byte. */
  readonly timeoutMs: number;
}

/**
 * HTTP over undici's `Pool`, one per origin, kept alive between requests.
 * Not `fetch`: it refuses port 6000 (the listing service's default), which
 * the fetch standard blocks.
 */
export function undiciTransport(options: UndiciTransportOptions): {
  readonly send: Transport;
  close(): Promise<void>;
} {
  const pools = new Map<string, Pool>();
  function pool(origin: string): Pool {
    let found = pools.get(origin);
    if (!found) {
      found = new Pool(origin, { connections: options.connections });
      pools.set(origin, found);
    }
    return found;
  }
  return {
    async send(request) {
      try {
        const answer = await pool(request.origin).request({
          path: request.path,
          method: request.method,
          headers: request.headers,
          body: request.body ?? null,
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        });
        const text = await answer.body.text();
        const headers = answer.headers;
        return {
          status: answer.statusCode,
          text,
          header(name) {
            const value = headers[name];
            return Array.isArray(value) ? value.join(', ') : value;
          },
        };
      } catch (error) {
        throw asTransportError(error);
      }
    },
    async close() {
      await Promise.all([...pools.values()].map((each) => each.close()));
      pools.clear();
    },
  };
}
