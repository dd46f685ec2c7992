import type { PendingCreate } from './bulk-delivery.js';
import type { Room } from './room.js';
import type { WriteResult } from './write-result.js';

type Settle<T> = (value: T) => void;

/**
 * One caller's write, from the call until its promise settles: it holds a
 * place in the room all that time, and settles once (later results of a
 * retry that raced it are ignored).
 */
export class Call implements PendingCreate {
  /** The item as its NDJSON line (creates). */
  line = '';
  /** When it was queued for a batch (ms since the epoch). */
  at = 0;
  private settled = false;

  constructor(
    private readonly calls: Calls,
    /** Order of the call among all calls of the client. */
    readonly seq: number,
    private readonly fulfil: Settle<WriteResult<never, never>>,
    private readonly fail: Settle<Error>,
  ) {}

  resolve(result: WriteResult<unknown, unknown>): void {
    if (this.settled) return;
    this.settled = true;
    this.calls.settled(this);
    this.fulfil(result as WriteResult<never, never>);
  }

  reject(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.calls.settled(this);
    this.fail(error);
  }
}

interface FlushWaiter {
  /** Calls up to this `seq` are the ones the flush waits for. */
  readonly upTo: number;
  remaining: number;
  readonly done: () => void;
}

/** Every call the client holds: counted, bounded by the room, and awaited by `flush()`. */
export class Calls {
  private created = 0;
  private unsettled = 0;
  private waiters: FlushWaiter[] = [];

  constructor(private readonly room: Room) {}

  /**
   * Takes a call: once it holds a place in the room (at once, or after
   * waiting for one), `start` hands it on to be delivered.
   */
  take(start: (call: Call) => void): Promise<WriteResult<never, never>> {
    this.created += 1;
    this.unsettled += 1;
    const seq = this.created;
    return new Promise((fulfil, fail) => {
      const call = new Call(this, seq, fulfil, fail);
      const entered = this.room.enter();
      if (entered) void entered.then(() => start(call));
      else start(call);
    });
  }

  /** Resolves once every call taken before now has settled. */
  settledSoFar(): Promise<void> {
    if (this.unsettled === 0) return Promise.resolve();
    return new Promise((done) =>
      this.waiters.push({ upTo: this.created, remaining: this.unsettled, done }),
    );
  }

  settled(call: Call): void {
    this.unsettled -= 1;
    this.room.leave();
    if (this.waiters.length === 0) return;
    for (const waiter of this.waiters) {
      if (call.seq <= waiter.upTo && --waiter.remaining === 0) waiter.done();
    }
    this.waiters = this.waiters.filter((waiter) => waiter.remaining > 0);
  }
}
