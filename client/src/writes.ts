import { randomUUID } from 'node:crypto';
import { Batcher } from './batcher.js';
import { Calls } from './calls.js';
import type { DeliveryContext } from './delivery.js';
import { ClientClosedError } from './errors/index.js';
import { Reporter, type ClientStats } from './events.js';
import { KeyOrder } from './key-order.js';
import type { Settings } from './options.js';
import { Pause } from './pause.js';
import { RESOURCE_NAMES, RESOURCES, type ResourceName } from './resources.js';
import { Room } from './room.js';
import { deliverSingle, type SingleWrite } from './single-delivery.js';
import type { Transport } from './transport.js';
import type { WriteResult } from './write-result.js';

/** How the writes reach the wire, and the clock they wait on. */
export interface Wiring {
  readonly transport: Transport;
  readonly closeTransport: () => Promise<void>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

type Answer = Promise<WriteResult<never, never>>;

/**
 * The client's engine: every call taken through the room, creates batched
 * per resource, updates and removals in order per key; flush and close.
 */
export class Writes {
  readonly reporter = new Reporter();
  private readonly room: Room;
  private readonly calls: Calls;
  private readonly order = new KeyOrder();
  private readonly contexts: ReadonlyMap<ResourceName, DeliveryContext>;
  private readonly batchers: ReadonlyMap<ResourceName, Batcher>;
  private closing: Promise<void> | undefined;

  constructor(
    settings: Settings,
    private readonly wiring: Wiring,
  ) {
    this.room = new Room(settings.maxBuffered);
    this.calls = new Calls(this.room);
    const context = (name: ResourceName): DeliveryContext => ({
      transport: wiring.transport,
      spec: RESOURCES[name],
      ...settings.targets[name],
      headers: settings.headers,
      retry: settings.retry,
      pause: new Pause(wiring.sleep),
      reporter: this.reporter,
      sleep: wiring.sleep,
      random: wiring.random,
      newKey: () => `spillway-client-${randomUUID()}`,
    });
    this.contexts = new Map(RESOURCE_NAMES.map((name) => [name, context(name)]));
    this.batchers = new Map(
      RESOURCE_NAMES.map((name) => [name, new Batcher(this.contexts.get(name)!, settings.batch)]),
    );
  }

  /** One create, batched with the resource's others. */
  create(name: ResourceName, item: unknown): Answer {
    if (this.closing) return Promise.reject(new ClientClosedError());
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return Promise.reject(new TypeError(`${name}.create: expected an object`));
    }
    let line: string;
    try {
      line = JSON.stringify(item);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const batcher = this.batchers.get(name)!;
    return this.calls.take((call) => {
      call.line = line;
      batcher.add(call);
    });
  }

  /** One update or removal, after the writes to its key called before it. */
  change(name: ResourceName, write: SingleWrite): Answer {
    if (this.closing) return Promise.reject(new ClientClosedError());
    if (typeof write.id !== 'string' || write.id === '') {
      return Promise.reject(new TypeError(`${name}.${write.kind}: expected an id`));
    }
    const context = this.contexts.get(name)!;
    return this.calls.take((call) =>
      this.order.run(`${name}/${write.id}`, () => deliverSingle(context, write, call)),
    );
  }

  /** Sends what is queued at once; resolves once every call made before it has settled. */
  async flush(): Promise<void> {
    const done = [...this.batchers.values()].map((batcher) => batcher.flushing());
    try {
      await this.calls.settledSoFar();
    } finally {
      for (const release of done) release();
    }
  }

  close(): Promise<void> {
    this.closing ??= this.flush().then(this.wiring.closeTransport);
    return this.closing;
  }

  stats(): ClientStats {
    const { reporter } = this;
    return {
      buffered: this.room.used,
      waiting: this.room.waiting,
      inFlight: reporter.inFlight,
      requests: { ...reporter.requests },
      items: { ...reporter.items },
    };
  }
}
