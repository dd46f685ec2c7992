import type { ClientEvents, ClientStats } from './events.js';
import { settingsOf, type ClientOptions } from './options.js';
import { sleep } from './pause.js';
import type { ResourceName, ResourceTypes } from './resources.js';
import { undiciTransport, type Transport } from './transport.js';
import type { WriteResult } from './write-result.js';
import { Writes, type Wiring } from './writes.js';

/** A resource that takes creates. Each call resolves with that item's own answer. */
export interface Creates<T extends { create: unknown; resource: unknown; id: unknown }> {
  /**
   * Creates one item; batched with concurrent calls into `POST /<resource>/bulk`.
   * Rejects with `ItemRejectedError` (the server's field errors) or
   * `DeliveryFailedError` (the client gave up: see its `maybeStored`).
   */
  create(item: T['create']): Promise<WriteResult<T['resource'], T['id']>>;
}

export interface UpdateOptions {
  /** Only if the key's latest accepted version is this one (`If-Match`); else 412. */
  readonly ifMatch?: number;
}

/** A resource that also takes updates and removals (one request each, in call order per key). */
export interface Changes<T extends { patch: unknown; resource: unknown; id: unknown }> {
  /** `PATCH /<resource>/{id}` with the changes; resolves with the changed resource. */
  update(
    id: T['id'],
    changes: T['patch'],
    options?: UpdateOptions,
  ): Promise<WriteResult<T['resource'], T['id']>>;
  /** `DELETE /<resource>/{id}`; resolves with the resource as removed. */
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

function wiringOf(options: ReturnType<typeof settingsOf>, internals: ClientInternals): Wiring {
  const common = { sleep: internals.sleep ?? sleep, random: internals.random ?? Math.random };
  if (internals.transport) {
    return { ...common, transport: internals.transport, closeTransport: async () => undefined };
  }
  const http = undiciTransport({ connections: options.connections, timeoutMs: options.timeoutMs });
  return { ...common, transport: http.send, closeTransport: () => http.close() };
}

/**
 * A Spillway client: every write resource, with batching, retries under
 * Idempotency-Keys and a bounded buffer (client/README.md). Throws a
 * `RangeError` or `TypeError` naming a bad option.
 */
export function createClient(
  options: ClientOptions = {},
  internals: ClientInternals = {},
): SpillwayClient {
  const settings = settingsOf(options);
  const writes = new Writes(settings, wiringOf(settings, internals));
  const creates = (name: ResourceName) => ({
    create: (item: unknown) => writes.create(name, item),
  });
  const changes = (name: ResourceName) => ({
    update: (id: string, patch: unknown, { ifMatch }: UpdateOptions = {}) =>
      writes.change(name, { kind: 'update', id, body: JSON.stringify(patch), ifMatch }),
    remove: (id: string, { ifMatch }: UpdateOptions = {}) =>
      writes.change(name, { kind: 'remove', id, ifMatch }),
  });
  return {
    users: creates('users'),
    listings: creates('listings'),
    people: creates('people'),
    customers: { ...creates('customers'), ...changes('customers') },
    orders: { ...creates('orders'), ...changes('orders') },
    flush: () => writes.flush(),
    close: () => writes.close(),
    stats: () => writes.stats(),
    on(event, listener) {
      writes.reporter.on(event, listener);
      return this;
    },
    off(event, listener) {
      writes.reporter.off(event, listener);
      return this;
    },
  };
}
