import { expect } from 'chai';
import { Types } from 'mongoose';
import { closeQueues } from '../../shared/infra/queues/queues.js';
import {
  createQueues,
  type SpillwayQueues,
} from '../../shared/domain/resources/resource-queues.js';
import type { Listening } from '../../shared/infra/http/listen.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { basicAuthHeader, startOps } from '../support/ops.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { runEntry } from '../support/processes.js';
import { unfinishedJobs } from '../support/queue-jobs.js';
import { testEnv } from '../support/test-config.js';
import { startWorkersWithoutMongo } from '../support/workers-without-mongo.js';

interface Letter {
  id: number;
  state: string;
  queue: string;
  job_id: string;
  resource: string;
  key: string | null;
  version: number | null;
  error: string;
  attempts: number;
  failures: number;
  redrives: number;
  job_state?: string;
  payload?: unknown;
}

/** The ops port's dead-letter routes and `npm run dead-letters`, on a few hand-made letters. */
describe('dead letters from the ops port and the CLI (spec §9)', function () {
  this.timeout(120_000);
  let pipeline: Pipeline;
  let ops: Listening;
  let auth: Record<string, string>;
  let queues: SpillwayQueues;
  /** Two orders whose first writes failed for good while Mongo was unreachable. */
  const placed: { id: string; version: number }[] = [];

  before(async () => {
    pipeline = await startPipeline({
      workers: false,
      config: { JOB_ATTEMPTS: '1', JOB_BACKOFF_MS: '20' },
    });
    ops = await startOps(pipeline);
    auth = basicAuthHeader(pipeline.config.board.user, pipeline.config.board.password);
    queues = createQueues(pipeline.config, pipeline.connections.queueRedis);
    const broken = startWorkersWithoutMongo(pipeline);
    try {
      for (const model of ['Octavia', 'Superb']) {
        const answer = await http('POST', `${pipeline.urls.orders}/orders`, {
          json: { vehicle_manufacturer: 'Skoda', model, total_price: 20 },
        });
        placed.push(answer.body.order);
      }
      // A job no worker can ever store: it fails for good at its first attempt.
      await queues.persistOrders.add(
        'orders.create',
        { order: { id: 'not-an-order' }, junk: true } as never,
        { jobId: 'poison-1' },
      );
      await settled();
    } finally {
      await broken.close();
    }
    pipeline.startWorkers();
  });
  after(async () => {
    await closeQueues(queues);
    await ops.close();
    await pipeline.stop();
  });

  async function settled(): Promise<void> {
    await eventually(
      async () => ((await unfinishedJobs(queues.persistOrders.shards)) === 0 ? true : undefined),
      { timeoutMs: 30_000, what: 'the order jobs to settle' },
    );
  }
  const get = (path: string, headers = auth) => http('GET', `${ops.url}${path}`, { headers });
  const post = (path: string, headers = auth) => http('POST', `${ops.url}${path}`, { headers });
  const mongoOrder = (id: string) =>
    pipeline.connections.mongo
      .db!.collection('orders')
      .findOne({ _id: new Types.ObjectId(id) }) as Promise<Record<string, unknown> | null>;

  it('asks for the board credentials', async () => {
    expect((await get('/dead-letters', {})).status).to.equal(401);
    expect((await post('/dead-letters/redrive?all=true', {})).status).to.equal(401);
    expect((await get('/dead-letters', basicAuthHeader('admin', 'guess'))).status).to.equal(401);
  });

  it('lists, searches by resource, key, queue and error text, and pages', async () => {
    const all = await get('/dead-letters');
    expect(all.status).to.equal(200);
    expect(all.body.total).to.equal(3);
    const letters = all.body.dead_letters as Letter[];
    const [first, second] = placed.map((order) => letters.find((l) => l.key === order.id));
    const poison = letters.find((l) => l.job_id === 'poison-1');
    expect(first).to.include({
      state: 'open',
      queue: 'persist-orders',
      resource: 'orders',
      key: placed[0]!.id,
      version: 1,
      attempts: 1,
      failures: 1,
      redrives: 0,
    });
    expect(first!.job_id).to.equal(`orders-${placed[0]!.id}-v1`);
    expect(second!.key).to.equal(placed[1]!.id);
    // The malformed job is kept too: no key to show, its validation error as the reason.
    expect(poison).to.include({ key: 'not-an-order', version: null, attempts: 1 });
    expect(poison!.error).to.match(/^malformed job poison-1/);

    const byKey = await get(`/dead-letters?key=${placed[1]!.id}`);
    expect((byKey.body.dead_letters as Letter[]).map((l) => l.id)).to.deep.equal([second!.id]);
    const byError = await get('/dead-letters?error=MALFORMED%20JOB');
    expect((byError.body.dead_letters as Letter[]).map((l) => l.id)).to.deep.equal([poison!.id]);
    expect((await get('/dead-letters?resource=users')).body.total).to.equal(0);
    expect((await get('/dead-letters?queue=persist-orders&state=open')).body.total).to.equal(3);
    const page1 = await get('/dead-letters?limit=2');
    expect(page1.body.dead_letters).to.have.length(2);
    const page2 = await get(`/dead-letters?limit=2&after=${page1.body.next_after}`);
    const paged = [...page1.body.dead_letters, ...page2.body.dead_letters] as Letter[];
    expect(paged.map((l) => l.id)).to.deep.equal(letters.map((l) => l.id));
    expect(page2.body.next_after).to.equal(null);

    const one = await get(`/dead-letters/${first!.id}`);
    expect(one.body.dead_letter.payload.order).to.include({ id: placed[0]!.id, version: 1 });
    expect(one.body.dead_letter.job_state).to.equal('failed');
  });

  it('refuses a bad filter, a re-drive of everything unasked, and an unknown letter', async () => {
    expect((await get('/dead-letters?state=lost')).status).to.equal(400);
    expect((await get('/dead-letters?limit=0')).status).to.equal(400);
    expect((await get('/dead-letters?colour=red')).status).to.equal(400);
    const unasked = await post('/dead-letters/redrive');
    expect(unasked.status).to.equal(400);
    expect(unasked.body.errors[0]).to.include('all=true');
    expect((await get('/dead-letters/999999')).status).to.equal(404);
    expect((await post('/dead-letters/999999/redrive')).status).to.equal(404);
  });

  it('lets a later write to a key whose write was dead-lettered land, bringing that version along', async () => {
    const { id } = placed[0]!;
    const changed = await http('PATCH', `${pipeline.urls.orders}/orders/${id}`, {
      json: { status: 'confirmed' },
    });
    expect(changed.status).to.equal(202);
    expect(changed.body.order.version).to.equal(2);
    const stored = await eventually(
      async () => {
        const doc = await mongoOrder(id);
        return doc?.version === 2 ? doc : undefined;
      },
      { what: 'version 2 of the order in Mongo' },
    );
    expect(stored).to.include({ status: 'confirmed', model: 'Octavia' });
    // Its dead letter says which version the key skipped until it is re-driven.
    const letter = (await get(`/dead-letters?key=${id}`)).body.dead_letters[0] as Letter;
    expect(letter).to.include({ version: 1, state: 'open' });

    // Re-driving it changes nothing the store holds (it is replayed) and marks it stored.
    const dry = await post(`/dead-letters/${letter.id}/redrive`);
    expect(dry.body).to.include({ dry_run: true, matched: 1, redriven: 0 });
    expect(dry.body.dead_letters[0]).to.include({ id: letter.id, job_state: 'failed' });
    const redriven = await post(`/dead-letters/${letter.id}/redrive?dry_run=false`);
    expect(redriven.body).to.include({ dry_run: false, redriven: 1, requeued: 1 });
    await eventually(
      async () => {
        const now = (await get(`/dead-letters/${letter.id}`)).body.dead_letter as Letter;
        return now.state === 'stored' ? now : undefined;
      },
      { what: 'the letter marked stored' },
    );
    expect(await mongoOrder(id)).to.include({ version: 2, status: 'confirmed' });
  });

  it('opens a re-driven letter again when its job fails for good again', async () => {
    const [poison] = (await get('/dead-letters?error=malformed')).body.dead_letters as Letter[];
    const redriven = await post(`/dead-letters/${poison!.id}/redrive?dry_run=false`);
    expect(redriven.body).to.include({ redriven: 1, requeued: 1 });
    const again = await eventually(
      async () => {
        const now = (await get(`/dead-letters/${poison!.id}`)).body.dead_letter as Letter;
        return now.failures === 2 ? now : undefined;
      },
      { what: 'the re-driven poison job to fail again' },
    );
    expect(again).to.include({ state: 'open', redrives: 1, job_state: 'failed' });
  });

  it('keeps a job BullMQ fails without running it (stalled too often) from the failed event', async () => {
    const order = {
      id: new Types.ObjectId().toHexString(),
      vehicle_manufacturer: 'Skoda',
      model: 'Kodiaq',
      total_price: 30,
      status: 'new',
      created_at: Date.now() * 1000,
      updated_at: Date.now() * 1000,
      version: 1,
      deleted: false,
    };
    const payload = { requestId: 'stalled-test', op: 'create', order, before: null };
    const job = await queues.persistOrders.add('orders.create', payload as never, {
      jobId: `orders-${order.id}-v1`,
      delay: 60_000,
    });
    // What BullMQ's stalled-job check leaves on a job stalled past maxStalledCount.
    await pipeline.connections.queueRedis.hset(
      `${job.queueQualifiedName}:${job.id}`,
      'defa',
      'job stalled more than allowable limit',
    );
    await job.promote();
    const letter = await eventually(
      async () => ((await get(`/dead-letters?key=${order.id}`)).body.dead_letters as Letter[])[0],
      { what: 'the dead letter of the stalled job' },
    );
    expect(letter).to.include({ version: 1, state: 'open', job_id: `orders-${order.id}-v1` });
    expect(letter.error).to.equal('job stalled more than allowable limit');
    expect(await mongoOrder(order.id)).to.equal(null);
  });

  it('does the same from the command line: npm run dead-letters -- list|show|redrive', async () => {
    const cli = async (...args: string[]) => {
      const run = runEntry('scripts/dead-letters.ts', args, testEnv());
      const code = await new Promise<number | null>((resolve) =>
        run.child.once('exit', (exit) => resolve(exit)),
      );
      return { code, output: run.output() };
    };
    const { id } = placed[1]!;
    const listed = await cli('list', '--key', id);
    expect(listed.code, listed.output).to.equal(0);
    expect(listed.output).to.include('1 dead letter(s)');
    expect(listed.output).to.include(`orders-${id}-v1`);
    const letterId = /#(\d+)\topen\tpersist-orders\torders/.exec(listed.output)?.[1];
    expect(letterId, listed.output).to.be.a('string');

    const shown = await cli('show', letterId!);
    expect(shown.code, shown.output).to.equal(0);
    expect(shown.output).to.include('"model": "Superb"');

    const dry = await cli('redrive', '--key', id);
    expect(dry.code, dry.output).to.equal(0);
    expect(dry.output).to.include('dry run: 1 dead letter(s) would be re-driven; add --yes');
    expect((await mongoOrder(id)) === null).to.equal(true);

    const done = await cli('redrive', '--key', id, '--yes');
    expect(done.code, done.output).to.equal(0);
    expect(done.output).to.include('re-driven 1 of 1 dead letter(s): 1 queued again');
    await eventually(async () => ((await mongoOrder(id))?.version === 1 ? true : undefined), {
      what: 'the re-driven order in Mongo',
    });

    const usage = await cli('redrive');
    expect(usage.code).to.equal(2);
    expect(usage.output).to.include('redrive needs an ID, a filter, or --all');
    expect((await cli('show', '999999')).code).to.equal(1);
  });
});
