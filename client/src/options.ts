import { DEFAULT_BATCH, type BatchOptions, type BatchPolicy } from './batcher.js';
import { DEFAULT_SERVICES, type ResourceName } from './resources.js';
import { retryPolicy, type RetryOptions, type RetryPolicy } from './retry-policy.js';

export interface ClientOptions {
  /**
   * Base URL of each resource's service; a resource left out uses `baseUrl`,
   * else `npm start`'s loopback default (users 8000, listings 6000, people
   * 5000, customers 8888, orders 8080). A base may carry a path:
   * `publicApi()` sends users and listings through the public API.
   */
  readonly services?: Partial<Record<ResourceName, string>>;
  /** One base URL for every resource not in `services` (a gateway in front of all of them). */
  readonly baseUrl?: string;
  /** The internal services' shared token (SERVICE_TOKEN), sent as `Authorization: Bearer`. */
  readonly serviceToken?: string;
  readonly batch?: BatchOptions;
  /**
   * Most items the client holds at once (queued, in flight or waiting to be
   * retried). A call beyond it waits for room before it is taken; none is
   * dropped. Default 10,000.
   */
  readonly maxBuffered?: number;
  readonly retry?: RetryOptions;
  /**
   * Ask the server to answer once each write is persisted (`Prefer:
   * wait=N`): results then say 201 (or 200), or 202 if N seconds passed
   * first. Default 0: answered once queued.
   */
  readonly waitSeconds?: number;
  /** How long one request may take to be answered. Default 60 s, more with `waitSeconds`. */
  readonly timeoutMs?: number;
  /** Connections kept per service. Default 16. */
  readonly connections?: number;
  /** Extra headers on every request (a gateway's own credentials, say). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Where one resource's requests go. */
export interface Target {
  /** `http://host:port` */
  readonly origin: string;
  /** The base URL's path ('' or e.g. `/public-api`), before `/<resource>`. */
  readonly pathPrefix: string;
}

/** The options checked, with every default filled in. */
export interface Settings {
  readonly targets: Readonly<Record<ResourceName, Target>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly batch: BatchPolicy;
  readonly retry: RetryPolicy;
  readonly maxBuffered: number;
  readonly connections: number;
  readonly timeoutMs: number;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function batchPolicy(options: BatchOptions = {}): BatchPolicy {
  const policy = {
    maxItems: positiveInteger('batch.maxItems', options.maxItems ?? DEFAULT_BATCH.maxItems),
    maxWaitMs: options.maxWaitMs ?? DEFAULT_BATCH.maxWaitMs,
    maxInFlight: positiveInteger(
      'batch.maxInFlight',
      options.maxInFlight ?? DEFAULT_BATCH.maxInFlight,
    ),
  };
  if (!Number.isFinite(policy.maxWaitMs) || policy.maxWaitMs < 0) {
    throw new RangeError(`batch.maxWaitMs must be a non-negative number, got ${policy.maxWaitMs}`);
  }
  return policy;
}

/** The origin and path prefix of a service's base URL. */
function target(name: ResourceName, base: string): Target {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new TypeError(`services.${name}: not a URL: ${base}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`services.${name}: expected an http(s) URL, got ${base}`);
  }
  return { origin: url.origin, pathPrefix: url.pathname.replace(/\/+$/, '') };
}

function requestHeaders(options: ClientOptions): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': '@spillway/client',
    ...options.headers,
  };
  if (options.serviceToken) headers.authorization = `Bearer ${options.serviceToken}`;
  if (options.waitSeconds) headers.prefer = `wait=${Math.ceil(options.waitSeconds)}`;
  return headers;
}

/** Checks the options (a bad one throws, naming it) and fills in the defaults. */
export function settingsOf(options: ClientOptions): Settings {
  const resources = Object.keys(DEFAULT_SERVICES) as ResourceName[];
  const targets = Object.fromEntries(
    resources.map((name) => [
      name,
      target(name, options.services?.[name] ?? options.baseUrl ?? DEFAULT_SERVICES[name]),
    ]),
  ) as Record<ResourceName, Target>;
  const waitMs = (options.waitSeconds ?? 0) * 1000;
  return {
    targets,
    headers: requestHeaders(options),
    batch: batchPolicy(options.batch),
    retry: retryPolicy(options.retry),
    maxBuffered: positiveInteger('maxBuffered', options.maxBuffered ?? 10_000),
    connections: positiveInteger('connections', options.connections ?? 16),
    timeoutMs: options.timeoutMs ?? Math.max(60_000, waitMs + 10_000),
  };
}
