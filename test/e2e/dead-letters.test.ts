import { expect } from 'chai';
import { Types } from 'mongoose';
import { QUEUE_NAMES } from '../../shared/infra/queues/queue-names.js';
import type { Listening } from '../../shared/infra/http/listen.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { basicAuthHeader, startOps } from '../support/ops.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { parsePrometheusText, sumOf } from '../support/prometheus.js';
import { unfinishedJobs } from '../support/queue-jobs.js';
import { startWorkersWithoutMongo } from '../support/workers-without-mongo.js';

/**
 * 1,000 acknowledged writes: 900 orders placed, the first 100 of them then
 * changed once (FerretDB takes updates one at a time, ~40 a second on a busy
 * machine, so most writes are creates, which it takes in bulk).
 */
const ORDERS = 900;
const CHANGED = 100;
const WRITES = ORDERS + CHANGED;

/** Part of the error every write got while Mongo was unreachable (mongoose, no buffering). */
const MONGO_ERROR = 'initial connection';

/**
 * §9 "nothing acknowledged is ever dropped" (issue 26): a write whose job
 * fails for good is kept in MySQL before BullMQ trims the failed set, found
 * by key from the ops port, and re-driven (dry run first) once the store is back.
 */
describe('dead letters: writes that fail for good are kept, searchable and re-driven (spec §9)', function () {
  this.timeout(240_000);
  let pipeline: Pipeline;
  let ops: Listening;
  let auth: Record<string, string>;

  before(async () => {
    pipeline = await startPipeline({
      workers: false,
      // Two quick attempts, and a failed set that keeps only the last ten failed jobs.
      config: { QUEUE_KEEP_FAILED: '10', JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '20' },
    });
    ops = await startOps(pipeline);
    auth = basicAuthHeader(pipeline.config.board.user, pipeline.config.board.password);
  });
  after(async () => {
    await ops.close();
    await pipeline.stop();
  });

  const persistOrders = () =>
    pipeline.apps.queues.find((queue) => queue.name === QUEUE_NAMES.persistOrders)!;
  const ordersSettled = (what: string) =>
    eventually(
      async () => ((await unfinishedJobs(persistOrders().shards)) === 0 ? true : undefined),
      { timeoutMs: 120_000, intervalMs: 100, what },
    );
  const opsCall = (method: string, path: string) =>
    http(method, `${ops.url}${path}`, { headers: auth });
  const openLetters = async (): Promise<number> =>
    (await opsCall('GET', '/dead-letters?resource=orders&state=open&limit=1')).body.total;
  const deadLettersGauge = async (): Promise<number> =>
    sumOf(
      parsePrometheusText((await http('GET', `${ops.url}/metrics`)).text),
      'spillway_dead_letters',
      {
        resource: 'orders',
      },
    );

  /** Places an order and (the first CHANGED) changes it once the placing was answered. */
  async function writeOrder(k: number): Promise<Record<string, unknown>> {
    const placed = await http('POST', `${pipeline.urls.orders}/orders`, {
      json: { vehicle_manufacturer: 'Dacia', model: 'Logan', total_price: 5 },
    });
    expect(placed.status, placed.text).to.equal(202);
    let last = placed.body.order as Record<string, unknown>;
    for (const change of k < CHANGED ? [{ total_price: 10 + k, status: 'confirmed' }] : []) {
      const changed = await http('PATCH', `${pipeline.urls.orders}/orders/${String(last.id)}`, {
        json: change,
      });
      expect(changed.status, changed.text).to.equal(202);
      last = changed.body.order;
    }
    return last;
  }

  async function storedOrders(): Promise<Map<string, Record<string, unknown>>> {
    const docs = await pipeline.connections.mongo.db!.collection('orders').find({}).toArray();
    return new Map(
      docs.map(({ _id, deleted: _deleted, ...doc }) => [
        (_id as unknown as Types.ObjectId).toHexString(),
        { id: (_id as unknown as Types.ObjectId).toHexString(), ...doc },
      ]),
    );
  }

  it('1,000 writes that fail for good with QUEUE_KEEP_FAILED=10 are 1,000 dead letters, found by key; a filtered re-drive after the store returns stores each once', async () => {
    // Workers whose Mongo is unreachable: every attempt of every order write fails.
    const broken = startWorkersWithoutMongo(pipeline);
    let finals: Record<string, unknown>[];
    try {
      finals = await Promise.all(Array.from({ length: ORDERS }, (_, k) => writeOrder(k)));
      await ordersSettled('every order job to use up its attempts');
    } finally {
      await broken.close();
    }
    // BullMQ kept ten failed jobs; every write is in the dead-letter store.
    expect((await persistOrders().getJobCounts('failed')).failed).to.be.at.most(10);
    const all = await opsCall('GET', `/dead-letters?resource=orders&limit=1000`);
    expect(all.status, all.text).to.equal(200);
    expect(all.body.total).to.equal(WRITES);
    const jobIds = new Set(all.body.dead_letters.map((l: { job_id: string }) => l.job_id));
    expect(jobIds.size).to.equal(WRITES);
    expect(await deadLettersGauge()).to.equal(WRITES);

    // By key: both versions of the order, each with its job id and its error.
    const id = String(finals[7]!.id);
    const byKey = await opsCall('GET', `/dead-letters?key=${id}`);
    expect(byKey.body.total).to.equal(2);
    const versions = (
      byKey.body.dead_letters as { version: number; job_id: string; state: string }[]
    )
      .map((l) => [l.version, l.job_id, l.state])
      .sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(versions).to.deep.equal([1, 2].map((v) => [v, `orders-${id}-v${v}`, 'open']));
    expect(byKey.body.dead_letters[0]).to.include({ queue: 'persist-orders', attempts: 2 });
    expect(byKey.body.dead_letters[0].error).to.include(MONGO_ERROR);
    const last = byKey.body.dead_letters.find((l: { version: number }) => l.version === 2);
    const one = await opsCall('GET', `/dead-letters/${last.id}`);
    expect(one.body.dead_letter.payload.order).to.deep.equal({ ...finals[7], deleted: false });

    // A dry run says what would be re-driven, and changes nothing.
    const filter = `resource=orders&error=${encodeURIComponent(MONGO_ERROR)}`;
    const dry = await opsCall('POST', `/dead-letters/redrive?${filter}`);
    expect(dry.status, dry.text).to.equal(200);
    expect(dry.body).to.include({ dry_run: true, matched: WRITES, redriven: 0 });
    expect(dry.body.dead_letters).to.have.length(100);
    const jobStates = new Set(dry.body.dead_letters.map((l: { job_state: string }) => l.job_state));
    expect([...jobStates].every((s) => s === 'absent' || s === 'failed')).to.equal(true);
    expect(await openLetters()).to.equal(WRITES);
    expect(await unfinishedJobs(persistOrders().shards)).to.equal(0);
    expect((await storedOrders()).size).to.equal(0);

    // The store is back; the filtered re-drive queues every write again.
    pipeline.startWorkers();
    const redriven = await opsCall('POST', `/dead-letters/redrive?${filter}&dry_run=false`);
    expect(redriven.body).to.include({
      dry_run: false,
      matched: WRITES,
      redriven: WRITES,
      requeued: WRITES,
    });
    await ordersSettled('the re-driven writes to land');
    const stored = await storedOrders();
    expect(stored.size).to.equal(ORDERS);
    for (const last of finals) expect(stored.get(String(last.id))).to.deep.equal(last);
    // Each re-driven job that completed marks its letter stored: none is left open.
    await eventually(async () => ((await openLetters()) === 0 ? true : undefined), {
      what: 'every letter marked stored',
    });
    const after = await opsCall('GET', `/dead-letters?key=${id}`);
    expect(after.body.dead_letters.map((l: { state: string }) => l.state)).to.deep.equal([
      'stored',
      'stored',
    ]);
    expect(after.body.dead_letters[0].redrives).to.equal(1);
    expect(await deadLettersGauge()).to.equal(0);

    // Re-driving them all again stores nothing twice: the same job ids, versions the store has.
    const again = await opsCall('POST', `/dead-letters/redrive?${filter}&state=all&dry_run=false`);
    expect(again.body).to.include({ matched: WRITES, redriven: WRITES });
    await ordersSettled('the second re-drive to settle');
    const storedAgain = await storedOrders();
    expect(storedAgain.size).to.equal(ORDERS);
    for (const last of finals) expect(storedAgain.get(String(last.id))).to.deep.equal(last);
    expect((await persistOrders().getJobCounts('failed')).failed).to.equal(0);
  });
});
