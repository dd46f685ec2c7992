import type { ChangeEvent, ReplicateJob } from '../../shared/domain/writes/write-jobs.js';
import type { RedisLock } from '../../shared/infra/locks/redis-lock.js';
import type { CustomerWriteRepository } from '../../shared/domain/repositories/customer-write.repository.js';
import type { ShardedQueue } from '../../shared/infra/queues/sharded-queue.js';

export interface CustomerEventPublisherDeps {
  readonly writes: CustomerWriteRepository;
  readonly replicate: ShardedQueue<ReplicateJob>;
  /** Absent when no recipient is configured: then no e-mail is queued at all. */
  readonly notify?: ShardedQueue<ChangeEvent>;
}

/**
 * Sends committed events to their consumers, then marks them published. Job
 * ids are the event ids, so publishing an event twice (a retried job, the
 * relay racing a slow worker) queues it once while the first job is kept.
 */
export function createCustomerEventPublisher(deps: CustomerEventPublisherDeps) {
  return async function publishCustomerEvents(events: readonly ChangeEvent[]): Promise<void> {
    if (events.length === 0) return;
    const jobs = events.map((event) => ({
      name: `${event.entity}.${event.type}`,
      data: event,
      opts: { jobId: event.id },
    }));
    await deps.replicate.addBulk(jobs);
    if (deps.notify) await deps.notify.addBulk(jobs);
    await deps.writes.markPublished(events.map((event) => event.id));
  };
}

export type CustomerEventPublisher = ReturnType<typeof createCustomerEventPublisher>;

/** The lease every worker process's relay takes: one relay publishes at a time. */
export const OUTBOX_RELAY_LEASE = 'customer-outbox-relay';

/**
 * The outbox relay: every `intervalMs`, events committed more than one
 * interval ago and still unpublished (their worker died between commit and
 * publish, and its job did not come back) are published. Every worker process
 * runs one; a run first takes the relay lease (renewed while it runs), so two
 * relays never read and publish the same events at once, and it stops between
 * pages if the lease is lost. A relay that stalls mid-page past its lease can
 * still overlap the next one: the notify worker's sent-record covers that.
 */
export function startOutboxRelay(options: {
  readonly writes: CustomerWriteRepository;
  readonly publish: CustomerEventPublisher;
  readonly intervalMs: number;
  readonly clock: () => number;
  readonly onError: (error: unknown) => void;
  readonly lease: { readonly lock: RedisLock; readonly ttlMs: number };
}): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const relay = async (lease: { held(): boolean }) => {
    const olderThan = options.clock() - options.intervalMs * 1000;
    for (;;) {
      if (!lease.held()) return;
      const events = await options.writes.unpublished(olderThan, 500);
      if (events.length === 0 || !lease.held()) return;
      await options.publish(events);
      if (events.length < 500) return;
    }
  };
  const timer = setInterval(() => {
    if (running) return;
    running = options.lease.lock
      .whileHeld(OUTBOX_RELAY_LEASE, options.lease.ttlMs, relay)
      .then(() => undefined)
      .catch(options.onError)
      .finally(() => (running = undefined));
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
