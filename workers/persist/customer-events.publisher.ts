import type { Queue } from 'bullmq';
import type { ChangeEvent, ReplicateJob } from '../../shared/jobs/job-payloads.js';
import type { CustomerWriteRepository } from '../../shared/repositories/customer-write.repository.js';

export interface CustomerEventPublisherDeps {
  readonly writes: CustomerWriteRepository;
  readonly replicate: Queue<ReplicateJob>;
  /** Absent when no recipient is configured: then no e-mail is queued at all. */
  readonly notify?: Queue<ChangeEvent>;
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

/**
 * The outbox relay: every `intervalMs`, events committed more than one
 * interval ago and still unpublished (their worker died between commit and
 * publish, and its job did not come back) are published. Runs are never
 * concurrent within a process.
 */
export function startOutboxRelay(options: {
  readonly writes: CustomerWriteRepository;
  readonly publish: CustomerEventPublisher;
  readonly intervalMs: number;
  readonly clock: () => number;
  readonly onError: (error: unknown) => void;
}): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const relay = async () => {
    const olderThan = options.clock() - options.intervalMs * 1000;
    for (;;) {
      const events = await options.writes.unpublished(olderThan, 500);
      if (events.length === 0) return;
      await options.publish(events);
      if (events.length < 500) return;
    }
  };
  const timer = setInterval(() => {
    if (running) return;
    running = relay()
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
