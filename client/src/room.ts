/**
 * The bound on what the client holds (`maxBuffered`): a counting semaphore
 * whose waiters are served first come, first served. An item holds its place
 * from the call until its promise settles; a caller beyond the bound waits for
 * a place, and is never dropped.
 */
export class Room {
  private held = 0;
  private readonly waiters: (() => void)[] = [];
  /** Index of the first waiter not yet served (a queue without O(n) shifts). */
  private head = 0;

  constructor(readonly capacity: number) {}

  /** Items held now. */
  get used(): number {
    return this.held;
  }

  /** Callers waiting for a place. */
  get waiting(): number {
    return this.waiters.length - this.head;
  }

  /** Resolves once the caller holds a place (at once if there is one and nobody waits). */
  enter(): Promise<void> | undefined {
    if (this.held < this.capacity && this.waiting === 0) {
      this.held += 1;
      return undefined;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Gives a place back; the longest-waiting caller takes it. */
  leave(): void {
    if (this.head < this.waiters.length) {
      const next = this.waiters[this.head];
      this.waiters[this.head] = noop;
      this.head += 1;
      if (this.head > 1024 && this.head * 2 > this.waiters.length) {
        this.waiters.splice(0, this.head);
        this.head = 0;
      }
      next?.();
      return;
    }
    this.held -= 1;
  }
}

function noop(): void {}
