import { randomUUID } from 'node:crypto';
import { Batcher, DEFAULT_BATCH, type BatchOptions, type BatchPolicy } from './batcher.js';
import { Calls } from './calls.js';
import type { DeliveryContext } from './delivery.js';
import { ClientClosedError } from './errors/index.js';
import { Reporter, type ClientEvents, type ClientStats } from './events.js';
import { Pause, sleep } from './pause.js';
import {
  DEFAULT_SERVICES,
  RESOURCE_NAMES,
  RESOURCES,
  type ResourceName,
  type ResourceTypes,
} from './resources.js';
import { retryPolicy, type RetryOptions } from './retry-policy.js';
import { KeyOrder } from './key-order.js';
import { Room } from './room.js';
import { deliverSingle, type SingleWrite } from './single-delivery.js';
import { undiciTransport, type Transport } from './transport.js';
import type { WriteResult } from './write-result.js';

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

/** A resource that takes creates. Each call resolves with that item's own answer. */
export interface Creates<T extends { create: unknown; resource: unknown; id: unknown }> {
  /**
   * Creates one item; batched with concurrent calls into `POST /<resource>/bulk`.
   * Rejects with `ItemRejectedError` (the server's field errors) or
   * `DeliveryFailedError` (retries exhausted: see its `maybeStored`).
   */
  create(item: T['create']): Promise<WriteResult<T['resource'], T['id']>>;
}

export interface UpdateOptions {
  /** Only if the key's latest accepted version is this one (`If-Match`); else 412. */
  readonly ifMatch?: number;
}

/** A resource that also takes updates and removals (one request each, in call order per key). */
export interface Changes<T extends { patch: unknown; resource: unknown; id: unknown }> {
  update(
    id: T['id'],
    changes: T['patch'],
    options?: UpdateOptions,
  ): Promise<WriteResult<T['resource'], T['id']>>;
  remove(id: T['id'], options?: UpdateOptions): Promise<WriteResult<T['resource'], T['id']>>;
}

export interface SpillwayClient {
  readonly users: Creates<ResourceTypes['users']>;
  readonly listings: Creates<ResourceTypes['listings']>;
  readonly people: Creates<ResourceTypes['people']>;
  readonly customers: Creates<ResourceTypes['customers']> & Changes<ResourceTypes['customers']>;
  readonly orders: Creates<ResourceTypes['orders']> & Changes<ResourceTypes['orders']>;
  /** Sends everything now and resolves once every call made before it has settled. */
  flush(): Promise<void>;
  /** Refuses new calls, then drains like `flush()` and closes the connections. Safe to call twice. */
  close(): Promise<void>;
  /** What the client holds now, and its counts so far. */
  stats(): ClientStats;
  on<E extends keyof ClientEvents>(event: E, listener: (info: ClientEvents[E]) => void): this;
  off<E extends keyof ClientEvents>(event: E, listener: (info: ClientEvents[E]) => void): this;
}

/** Seams for tests: a transport without sockets, a clock without waiting. */
export interface ClientInternals {
  readonly transport?: Transport;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function batchPolicy(options: BatchOptions = {}): BatchPolicy {
  const policy = {
    maxItems: options.maxItems ?? DEFAULT_BATCH.maxItems,
    maxWaitMs: options.maxWaitMs ?? DEFAULT_BATCH.maxWaitMs,
    maxInFlight: options.maxInFlight ?? DEFAULT_BATCH.maxInFlight,
  };
  positiveInteger('batch.maxItems', policy.maxItems);
  positiveInteger('batch.maxInFlight', policy.maxInFlight);
  if (!Number.isFinite(policy.maxWaitMs) || policy.maxWaitMs < 0) {
    throw new RangeError(`batch.maxWaitMs must be a non-negative number, got ${policy.maxWaitMs}`);
  }
  return policy;
}

/** The origin and path prefix of a service's base URL. */
function target(name: ResourceName, base: string): { origin: string; pathPrefix: string } {
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

/**
 * A Spillway client: every write resource, with batching, retries under
 * Idempotency-Keys and a bounded buffer. See client/README.md.
 */
export function createClient(
  options: ClientOptions = {},
  internals: ClientInternals = {},
): SpillwayClient {
  const maxBuffered = positiveInteger('maxBuffered', options.maxBuffered ?? 10_000);
  const batch = batchPolicy(options.batch);
  const retry = retryPolicy(options.retry);
  const waitMs = (options.waitSeconds ?? 0) * 1000;
  const http = internals.transport
    ? { send: internals.transport, close: async () => undefined }
    : undiciTransport({
        connections: positiveInteger('connections', options.connections ?? 16),
        timeoutMs: options.timeoutMs ?? Math.max(60_000, waitMs + 10_000),
      });
  const reporter = new Reporter();
  const room = new Room(maxBuffered);
  const calls = new Calls(room);
  const order = new KeyOrder();
  const wait = internals.sleep ?? sleep;
  const headers = requestHeaders(options);
  let closing: Promise<void> | undefined;

  function contextOf(name: ResourceName): DeliveryContext {
    const base = options.services?.[name] ?? options.baseUrl ?? DEFAULT_SERVICES[name];
    return {
      transport: http.send,
      spec: RESOURCES[name],
      ...target(name, base),
      headers,
      retry,
      pause: new Pause(wait),
      reporter,
      sleep: wait,
      random: internals.random ?? Math.random,
      newKey: () => `spillway-client-${randomUUID()}`,
    };
  }
  const contexts = new Map(RESOURCE_NAMES.map((name) => [name, contextOf(name)]));
  const batchers = new Map(
    RESOURCE_NAMES.map((name) => [name, new Batcher(contexts.get(name)!, batch)]),
  );

  function create(name: ResourceName, item: unknown) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return Promise.reject(new TypeError(`${name}.create: expected an object`));
    }
    let line: string;
    try {
      line = JSON.stringify(item);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const batcher = batchers.get(name)!;
    if (closing) return Promise.reject(new ClientClosedError());
    return calls.take((call) => {
      call.line = line;
      batcher.add(call);
    });
  }

  function change(name: ResourceName, write: SingleWrite) {
    if (typeof write.id !== 'string' || write.id === '') {
      return Promise.reject(new TypeError(`${name}.${write.kind}: expected an id`));
    }
    const context = contexts.get(name)!;
    if (closing) return Promise.reject(new ClientClosedError());
    return calls.take((call) =>
      order.run(`${name}/${write.id}`, () => deliverSingle(context, write, call)),
    );
  }

  const changes = (name: ResourceName) => ({
    update: (id: string, patch: unknown, opts: UpdateOptions = {}) =>
      change(name, {
        kind: 'update',
        id,
        body: JSON.stringify(patch),
        ...(opts.ifMatch !== undefined && { ifMatch: opts.ifMatch }),
      }),
    remove: (id: string, opts: UpdateOptions = {}) =>
      change(name, {
        kind: 'remove',
        id,
        ...(opts.ifMatch !== undefined && { ifMatch: opts.ifMatch }),
      }),
  });
  const creates = (name: ResourceName) => ({ create: (item: unknown) => create(name, item) });

  async function flush(): Promise<void> {
    const done = [...batchers.values()].map((batcher) => batcher.flushing());
    try {
      await calls.settledSoFar();
    } finally {
      for (const release of done) release();
    }
  }

  const client: SpillwayClient = {
    users: creates('users'),
    listings: creates('listings'),
    people: creates('people'),
    customers: { ...creates('customers'), ...changes('customers') },
    orders: { ...creates('orders'), ...changes('orders') },
    flush,
    close() {
      closing ??= flush().then(() => http.close());
      return closing;
    },
    stats: (): ClientStats => ({
      buffered: room.used,
      waiting: room.waiting,
      inFlight: reporter.inFlight,
      requests: { ...reporter.requests },
      items: { ...reporter.items },
    }),
    on(event, listener) {
      reporter.on(event, listener);
      return this;
    },
    off(event, listener) {
      reporter.off(event, listener);
      return this;
    },
  };
  return client;
}
