import { expect } from 'chai';
import type { ChangeEvent } from '../../../shared/domain/writes/write-jobs.js';
import { closeQueues } from '../../../shared/infra/queues/queues.js';
import {
  createQueues,
  type SpillwayQueues,
} from '../../../shared/domain/resources/resource-queues.js';
import { RedisLock } from '../../../shared/infra/locks/redis-lock.js';
import { createLogger } from '../../../shared/infra/telemetry/logger.js';
import { CustomerWriteRepository } from '../../../shared/domain/repositories/customer-write.repository.js';
import type { Customer } from '../../../shared/domain/schemas/customer.schema.js';
import { nowMicros } from '../../../shared/infra/process/clock.js';
import { createWorkers, type RunningWorkers } from '../../../workers/create-workers.js';
import {
  createCustomerEventPublisher,
  startOutboxRelay,
} from '../../../workers/persist/customer-events.publisher.js';
import { eventually } from '../../support/eventually.js';
import { startPipeline, type Pipeline } from '../../support/pipeline.js';
import { unfinishedJobs } from '../../support/queue-jobs.js';
import { startSmtp, type LoopbackSmtp } from '../../support/smtp.js';
import { testConfig } from '../../support/test-config.js';

const EVENTS = 500;
const RELAY_INTERVAL_MS = 100;

function customer(i: number): Customer {
  return {
    uuid: crypto.randomUUID(),
    username: `once-${i}-${Date.now()}`,
    address: 'a',
    income: '1.00',
    name: null,
    email: null,
    phone: null,
    created_at: 1,
    updated_at: 1,
    deleted: false,
    version: 1,
  };
}

describe('customer change e-mails: exactly once per event, whoever publishes it', function () {
  this.timeout(60_000);
  let smtp: LoopbackSmtp;
  let pipeline: Pipeline;
  let queues: SpillwayQueues;
  let notifiers: RunningWorkers[];
  let stops: (() => Promise<void>)[];

  beforeEach(async () => {
    smtp = await startSmtp();
    const mail = {
      MAIL_TO: 'ops@example.test',
      SMTP_PORT: String(smtp.port),
      // Completed jobs are trimmed at once, as a busy queue trims them: a
      // re-published event then finds no job of the same id to dedupe against.
      QUEUE_KEEP_COMPLETED: '0',
    };
    pipeline = await startPipeline({ workers: false, config: mail });
    queues = createQueues(pipeline.config, pipeline.connections.queueRedis);
    // Two worker processes consume notify.
    const notifyOnly = testConfig({ ...mail, WORKER_QUEUES: 'notify' });
    const logger = createLogger({ level: 'silent', name: 'test' });
    notifiers = [1, 2].map(() => createWorkers(notifyOnly, pipeline.connections, logger));
    stops = [];
  });
  afterEach(async () => {
    for (const stop of stops) await stop();
    await Promise.all(notifiers.map((workers) => workers.close()));
    await closeQueues(queues);
    await pipeline.stop();
    await smtp.close();
  });

  /** Customers committed with their outbox events, none published (their worker died first). */
  async function commitUnpublished(writes: CustomerWriteRepository): Promise<ChangeEvent[]> {
    const ops = Array.from({ length: EVENTS }, (_, i) => {
      const c = customer(i);
      return { opId: `op-${c.uuid}`, requestId: 'r', before: null, after: c };
    });
    const outcomes = await writes.applyAll(ops);
    return outcomes.flatMap((outcome) => (outcome.applied ? outcome.events : []));
  }

  /**
   * Waits until nothing can still send an e-mail, observed rather than slept for:
   * with relays running, no event is left unrecorded for one to publish again;
   * and every notify job is done (the SMTP peer has each e-mail before its job completes).
   */
  async function settled(relayedBy?: CustomerWriteRepository): Promise<number> {
    if (relayedBy) {
      await eventually(
        async () =>
          (await relayedBy.unpublished(Number.MAX_SAFE_INTEGER, 1)).length === 0 ? true : undefined,
        { timeoutMs: 30_000, what: 'the relays to record every event published' },
      );
    }
    await eventually(
      async () => ((await unfinishedJobs([queues.notify])) === 0 ? true : undefined),
      { timeoutMs: 30_000, what: 'the notify queue to drain' },
    );
    return smtp.received.length;
  }

  it('two relays racing over 500 unpublished events: 500 e-mails at the SMTP peer', async () => {
    const writes = new CustomerWriteRepository(pipeline.connections.mysql, nowMicros);
    await commitUnpublished(writes);
    // Relay A is slow to record what it published (a MySQL stall), until told to go on.
    let recordA!: () => void;
    const aMayRecord = new Promise<void>((resolve) => (recordA = resolve));
    const slowWrites = Object.create(writes) as CustomerWriteRepository;
    slowWrites.markPublished = async (ids) => {
      await aMayRecord;
      await writes.markPublished(ids);
    };
    const errors: unknown[] = [];
    /** A lock that counts the relay's attempts at the lease, so the test waits on them, not on time. */
    class CountingLock extends RedisLock {
      attempts = 0;
      override whileHeld(...args: Parameters<RedisLock['whileHeld']>) {
        this.attempts += 1;
        return super.whileHeld(...args);
      }
    }
    const locks: CountingLock[] = [];
    const relay = (w: CustomerWriteRepository) => {
      const lock = new CountingLock(pipeline.connections.queueRedis, pipeline.config.queue.prefix);
      locks.push(lock);
      const running = startOutboxRelay({
        writes: w,
        publish: createCustomerEventPublisher({
          writes: w,
          replicate: queues.replicate,
          notify: queues.notify,
        }),
        intervalMs: RELAY_INTERVAL_MS,
        clock: nowMicros,
        onError: (error) => errors.push(error),
        // Shorter than A's stall: A keeps its lease by renewing it.
        lease: {
          lock,
          ttlMs: 600,
        },
      });
      stops.push(() => running.stop());
    };
    relay(slowWrites);
    await eventually(async () => (smtp.received.length >= EVENTS ? true : undefined), {
      timeoutMs: 30_000,
      what: "relay A's e-mails",
    });
    // Relay B (another worker process) runs while A has not recorded its work yet.
    relay(writes);
    await eventually(async () => ((locks[1]?.attempts ?? 0) >= 5 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'relay B to try the lease five times while A holds it',
    });
    recordA();
    expect(await settled(writes)).to.equal(EVENTS);
    expect(errors).to.deep.equal([]);
  });

  it('an event published again after its notify job was removed is not e-mailed again', async () => {
    const writes = new CustomerWriteRepository(pipeline.connections.mysql, nowMicros);
    const events = await commitUnpublished(writes);
    const publish = createCustomerEventPublisher({
      writes,
      replicate: queues.replicate,
      notify: queues.notify,
    });
    await publish(events);
    expect(await settled()).to.equal(EVENTS);
    expect(await queues.notify.getCompletedCount(), 'the jobs are gone').to.equal(0);
    // The same events again, as a relay does when marking them published failed.
    await publish(events);
    expect(await settled()).to.equal(EVENTS);
  });
});
