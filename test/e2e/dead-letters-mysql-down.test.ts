import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { QUEUE_NAMES, type QueueName } from '../../shared/infra/queues/queue-names.js';
import type { QueueShards } from '../../shared/infra/queues/sharded-queue.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { unfinishedJobs } from '../support/queue-jobs.js';
import { startWorkersWithoutMongo } from '../support/workers-without-mongo.js';
import { startWorkersWithoutMysql } from '../support/workers-without-mysql.js';

const WRITES = 20;
const ATTEMPTS = 2;

/**
 * A dead letter is kept in MySQL; when MySQL itself does not answer, a job
 * whose attempts are used up must not fail for good (the failed set could
 * trim it, unrecorded): it waits, delayed, and runs again until its write or
 * its dead letter is stored.
 */
describe('dead letters while MySQL is down: no job fails for good unrecorded (spec §9)', function () {
  this.timeout(120_000);
  let pipeline: Pipeline;

  before(async () => {
    pipeline = await startPipeline({
      workers: false,
      config: { QUEUE_KEEP_FAILED: '10', JOB_ATTEMPTS: String(ATTEMPTS), JOB_BACKOFF_MS: '20' },
    });
  });
  after(() => pipeline.stop());

  const queueOf = (name: QueueName): QueueShards =>
    pipeline.apps.queues.find((queue) => queue.name === name)!;

  async function deadLetterCount(queue: QueueName): Promise<number> {
    const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
      'SELECT COUNT(*) AS n FROM dead_letters WHERE queue = ?',
      [queue],
    );
    return Number(rows[0]?.n);
  }

  /**
   * Waits until every job of `queue` has run its last attempt at least twice
   * (BullMQ counts each start): each time its dead letter could not be kept,
   * and it went back to wait instead of failing.
   */
  async function lastAttemptRepeated(queue: QueueShards): Promise<void> {
    await eventually(
      async () => {
        const jobs = (
          await Promise.all(
            queue.shards.map((shard) => shard.getJobs(['waiting', 'delayed', 'active', 'failed'])),
          )
        ).flat();
        const repeated = jobs.filter((job) => job.attemptsStarted >= ATTEMPTS + 1);
        return jobs.length === WRITES && repeated.length === WRITES ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'every job to repeat its last attempt' },
    );
    expect((await queue.getJobCounts('failed')).failed).to.equal(0);
  }

  it('keeps retrying a write whose store and dead-letter store are down; once MySQL answers, its dead letter is kept', async () => {
    // Mongo (the orders' store) and MySQL (the dead letters') unreachable.
    const orders = queueOf(QUEUE_NAMES.persistOrders);
    let broken = startWorkersWithoutMongo(pipeline, { mysql: 'unreachable' });
    try {
      for (let i = 0; i < WRITES; i += 1) {
        const placed = await http('POST', `${pipeline.urls.orders}/orders`, {
          json: { vehicle_manufacturer: 'Skoda', model: `Fabia ${i}`, total_price: 9 },
        });
        expect(placed.status).to.equal(202);
      }
      await lastAttemptRepeated(orders);
      expect(await deadLetterCount(QUEUE_NAMES.persistOrders)).to.equal(0);
    } finally {
      await broken.close();
    }
    // MySQL answers again, Mongo still does not: every write fails for good, each kept.
    broken = startWorkersWithoutMongo(pipeline);
    try {
      await eventually(
        async () => ((await unfinishedJobs(orders.shards)) === 0 ? true : undefined),
        { timeoutMs: 60_000, what: 'every order job to fail for good' },
      );
    } finally {
      await broken.close();
    }
    expect(await deadLetterCount(QUEUE_NAMES.persistOrders)).to.equal(WRITES);
    expect((await orders.getJobCounts('failed')).failed).to.equal(10);
  });

  it('keeps retrying a write whose store is MySQL while MySQL is down; once it answers, every write is stored and none is dead-lettered', async () => {
    const users = queueOf(QUEUE_NAMES.persistUsers);
    const broken = startWorkersWithoutMysql(pipeline, { deadLetters: 'unreachable' });
    const ids: number[] = [];
    try {
      for (let i = 0; i < WRITES; i += 1) {
        const created = await http('POST', `${pipeline.urls.users}/users`, {
          json: { name: `Waits ${i}` },
        });
        expect(created.status).to.equal(202);
        ids.push(created.body.user.id);
      }
      await lastAttemptRepeated(users);
    } finally {
      await broken.close();
    }
    pipeline.startWorkers();
    await eventually(
      async () => {
        const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
          'SELECT COUNT(*) AS n FROM users WHERE id IN (?)',
          [ids],
        );
        return Number(rows[0]?.n) === WRITES ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'every user in MySQL' },
    );
    expect(await deadLetterCount(QUEUE_NAMES.persistUsers)).to.equal(0);
    expect((await users.getJobCounts('failed')).failed).to.equal(0);
    await pipeline.stopWorkers();
  });
});
