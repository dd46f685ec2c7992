import type { Job, QueueEvents } from 'bullmq';
import { outsideAnyTrace } from '../telemetry/tracing/spans.js';

/** Runs `run` once after `ms`, unless the returned cancel is called first. */
export type IdleTimer = (run: () => void, ms: number) => () => void;

/** A real timer that does not keep the process alive. */
const realIdleTimer: IdleTimer = (run, ms) => {
  const timer = setTimeout(run, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * A queue's completion events, opened only while someone waits for a job
 * (`Prefer: wait`). An open QueueEvents reads every event of its queue — each
 * add, start and finish of every job — so an API that keeps one open pays for
 * all writes, not just the few that wait. It closes after `idleMs` unused.
 *
 * A new listener reads the events stream from `replayMs` before it opened, not
 * from "now": BullMQ checks a waited job's state once the listener is ready,
 * but its first read of the stream comes a moment later, and a job finishing
 * in between would otherwise be missed until the wait times out.
 *
 * `idleTimer` is injectable so a test can say "the idle time has passed"
 * instead of sleeping past it.
 */
export class CompletionListener {
  private events: QueueEvents | undefined;
  private users = 0;
  private cancelIdle: (() => void) | undefined;

  constructor(
    private readonly open: (lastEventId: string) => QueueEvents,
    private readonly idleMs = 30_000,
    private readonly replayMs = 5_000,
    private readonly idleTimer: IdleTimer = realIdleTimer,
  ) {}

  /** Runs `wait` with the open listener; the listener stays open until no one waits. */
  async use<T>(wait: (events: QueueEvents) => Promise<T>): Promise<T> {
    this.cancelIdle?.();
    this.cancelIdle = undefined;
    // Stream ids start with the Redis server's clock in ms; replayMs absorbs a small skew.
    // Opened by whichever request waits first, but serving every later one: its
    // read loop must not carry that request's trace.
    this.events ??= outsideAnyTrace(() => this.open(`${Date.now() - this.replayMs}-0`));
    this.users += 1;
    try {
      return await wait(this.events);
    } finally {
      this.users -= 1;
      if (this.users === 0) {
        this.cancelIdle = outsideAnyTrace(() =>
          this.idleTimer(() => void this.closeIfIdle(), this.idleMs),
        );
      }
    }
  }

  /** Whether a listener is open now (for tests and metrics). */
  get isOpen(): boolean {
    return this.events !== undefined;
  }

  async close(): Promise<void> {
    this.cancelIdle?.();
    this.cancelIdle = undefined;
    const events = this.events;
    this.events = undefined;
    await events?.close();
  }

  private async closeIfIdle(): Promise<void> {
    if (this.users === 0) await this.close();
  }
}

/** Whatever a waiting answer waits through: the completion events of the job's own queue. */
export interface JobCompletions {
  use<T>(job: Pick<Job, 'queueName'>, wait: (events: QueueEvents) => Promise<T>): Promise<T>;
}

/**
 * The completion listeners of a sharded queue: one per shard, each opened
 * only while a job of that shard is waited for.
 */
export class ShardCompletions implements JobCompletions {
  private readonly listeners = new Map<string, CompletionListener>();

  constructor(private readonly open: (shard: string, lastEventId: string) => QueueEvents) {}

  async use<T>(job: Pick<Job, 'queueName'>, wait: (events: QueueEvents) => Promise<T>): Promise<T> {
    const shard = job.queueName;
    let listener = this.listeners.get(shard);
    if (!listener) {
      listener = new CompletionListener((lastEventId) => this.open(shard, lastEventId));
      this.listeners.set(shard, listener);
    }
    return listener.use(wait);
  }

  /** Whether any shard's listener is open now (for tests and metrics). */
  get isOpen(): boolean {
    return [...this.listeners.values()].some((listener) => listener.isOpen);
  }

  async close(): Promise<void> {
    await Promise.all([...this.listeners.values()].map((listener) => listener.close()));
  }
}
