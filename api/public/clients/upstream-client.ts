import { Pool } from 'undici';
import {
  AppError,
  UpstreamFailedError,
  UpstreamUnavailableError,
  ValidationError,
} from '../../../shared/domain/errors/index.js';
import type { Validator } from '../../../shared/infra/validation/ajv.js';

export interface UpstreamOptions {
  /** How messages name the service, e.g. "user service"; never its address. */
  readonly name: string;
  /** Origin plus an optional path prefix, e.g. `http://users:8000`. */
  readonly baseUrl: string;
  /** Deadline for one request, connect to last body byte. */
  readonly timeoutMs: number;
  /** Keep-alive connections kept open to the service. */
  readonly connections: number;
  /** The internal services' shared token (SERVICE_TOKEN), sent on every request when set. */
  readonly token?: string;
}

export interface UpstreamRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Extra time on top of the deadline, for a write that asked to wait (`Prefer: wait`). */
  readonly extraMs?: number;
  /** A write's `Idempotency-Key` at the public API: a time-out's 503 tells the client to retry under it. */
  readonly retryKey?: string;
}

export interface UpstreamAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Who asked: the request id travels to the upstream so its log lines match ours. */
export interface CallMeta {
  readonly requestId: string;
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function flatHeaders(headers: Record<string, string | string[] | undefined>) {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * One internal service over HTTP, on a keep-alive undici Pool (undici, not
 * global fetch: fetch refuses the listing service's port 6000). Every request
 * has one deadline; a failure to connect or to answer in time becomes a 503,
 * an upstream 5xx or unreadable body a 502, each naming the service. 2xx and
 * 4xx answers are returned for the typed client to interpret.
 */
export class UpstreamClient {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(private readonly options: UpstreamOptions) {
    const url = new URL(options.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      connectTimeout: options.timeoutMs,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  get name(): string {
    return this.options.name;
  }

  async request(call: UpstreamRequest): Promise<UpstreamAnswer> {
    const deadlineMs = this.options.timeoutMs + (call.extraMs ?? 0);
    const query = Object.entries(call.query ?? {}).filter(([, v]) => v !== undefined);
    const search = new URLSearchParams(query.map(([k, v]) => [k, String(v)])).toString();
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    if (call.json !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await this.pool.request({
        method: call.method,
        path: `${this.basePath}${call.path}${search ? `?${search}` : ''}`,
        headers,
        body: call.json === undefined ? undefined : JSON.stringify(call.json),
        headersTimeout: deadlineMs,
        bodyTimeout: deadlineMs,
        // The per-phase timeouts could add up; this bounds the whole exchange.
        signal: AbortSignal.timeout(deadlineMs),
      });
      const text = await response.body.text();
      return this.interpret(response.statusCode, flatHeaders(response.headers), text);
    } catch (error) {
      throw this.describeFailure(error, deadlineMs, call);
    }
  }

  /** Validates a 2xx body's shape; a wrong shape is the upstream's fault, so a 502. */
  expectShape<T>(validate: Validator<T>, answer: UpstreamAnswer): T {
    try {
      return validate(answer.body, 'json');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new UpstreamFailedError(`${this.name} answered with an unexpected body`, {
        cause: error,
      });
    }
  }

  /** An answer this client did not expect for the call (e.g. a 4xx to a well-formed read). */
  unexpected(answer: UpstreamAnswer): UpstreamFailedError {
    return new UpstreamFailedError(`${this.name} answered HTTP ${answer.status} unexpectedly`);
  }

  /**
   * A 4xx to a write passed on from the client: the upstream's own messages
   * are written for clients, so its status and errors are kept.
   */
  rejected(answer: UpstreamAnswer): AppError {
    const body = answer.body as { errors?: unknown } | undefined;
    const messages = Array.isArray(body?.errors)
      ? body.errors.filter((m): m is string => typeof m === 'string')
      : [];
    const shown = messages.length > 0 ? messages : [`${this.name} refused the request`];
    return new AppError(shown.join('; '), {
      code: 'UPSTREAM_REJECTED',
      status: answer.status,
      expose: true,
      messages: shown,
    });
  }

  /** Closes the keep-alive connections; safe to call twice. */
  async close(): Promise<void> {
    if (!this.pool.closed && !this.pool.destroyed) await this.pool.close();
  }

  private interpret(status: number, headers: Record<string, string>, text: string) {
    if (status === 503) {
      const retry = Number(headers['retry-after']);
      throw new UpstreamUnavailableError(`${this.name} is unavailable (HTTP 503)`, {
        retryAfterSeconds: Number.isInteger(retry) && retry > 0 ? retry : 1,
      });
    }
    if (status >= 500) throw new UpstreamFailedError(`${this.name} failed (HTTP ${status})`);
    // Our credentials were refused: a misconfiguration on our side, not the client's fault.
    if (status === 401) throw new UpstreamFailedError(`${this.name} refused our credentials`);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch (cause) {
      throw new UpstreamFailedError(`${this.name} answered with a body that is not JSON`, {
        cause,
      });
    }
    return { status, headers, body };
  }

  private describeFailure(error: unknown, deadlineMs: number, call: UpstreamRequest): Error {
    if (error instanceof AppError) return error;
    const { name, code } = error as { name?: string; code?: string };
    if (name === 'TimeoutError' || name === 'AbortError' || TIMEOUT_CODES.has(code ?? '')) {
      // A write sent and not answered may have been queued all the same.
      const maybeQueued =
        call.method === 'GET'
          ? ''
          : `; the write may have been queued: retry it with Idempotency-Key: ${call.retryKey ?? '(the same key)'} and it is stored once`;
      return new UpstreamUnavailableError(
        `${this.name} did not answer within ${deadlineMs} ms${maybeQueued}`,
        { cause: error },
      );
    }
    return new UpstreamUnavailableError(`${this.name} is unreachable${code ? ` (${code})` : ''}`, {
      cause: error,
    });
  }
}
