import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { jobIds } from '../../../shared/domain/writes/write-jobs.js';
import { closeQueues } from '../../../shared/infra/queues/queues.js';
import { createQueues } from '../../../shared/domain/resources/resource-queues.js';
import { eventually } from '../../support/eventually.js';
import { http } from '../../support/http.js';
import { countRows, postListings } from '../../support/listing-writes.js';
import { startPipeline, type Pipeline } from '../../support/pipeline.js';
import { startPrivateMariadb, type PrivateMariadb } from '../../support/private-mariadb.js';

/**
 * INSERT statements MariaDB has run so far. Read on a private server, so the
 * count holds this pipeline's statements only: other test runs on the shared
 * server cannot add to it.
 */
async function insertStatementsSoFar(pipeline: Pipeline): Promise<number> {
  const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
    "SHOW GLOBAL STATUS LIKE 'Com_insert'",
  );
  return Number(rows[0]?.Value);
}

describe('persist workers: group commit counted by a private MariaDB (spec §3.5)', function () {
  this.timeout(90_000);
  let mariadb: PrivateMariadb;
  let pipeline: Pipeline | undefined;

  before(async function () {
    this.timeout(60_000);
    mariadb = await startPrivateMariadb();
  });
  afterEach(() => pipeline?.stop());
  after(() => mariadb.destroy());

  it('write N jobs that arrive together with fewer than N INSERT statements (counted by MariaDB)', async () => {
    pipeline = await startPipeline({ workers: false, config: { MYSQL_URL: mariadb.url } });
    const n = 200;
    const accepted = await postListings(pipeline, n, 'rent');
    expect(accepted.every((a) => a.status === 202)).to.equal(true);
    const batches: number[] = [];
    const before = await insertStatementsSoFar(pipeline);
    pipeline.startWorkers({
      onBatch: (queue, size) => queue === 'persist-listings' && batches.push(size),
    });
    await eventually(
      async () => ((await countRows(pipeline!, 'listings')) === n ? true : undefined),
      {
        what: `${n} listing rows`,
      },
    );
    const statements = (await insertStatementsSoFar(pipeline)) - before;
    expect(statements).to.be.greaterThan(0);
    expect(statements).to.be.below(n / 4);
    expect(batches.reduce((a, b) => a + b, 0)).to.equal(n);
    expect(Math.max(...batches)).to.be.greaterThan(1);
  });
});

describe('persist workers (spec §3.5)', () => {
  let pipeline: Pipeline;

  beforeEach(async () => {
    pipeline = await startPipeline({ workers: false });
  });
  afterEach(() => pipeline.stop());

  it('replicates a group of N writes with fewer than N replicate jobs, every document in Mongo', async () => {
    const n = 200;
    const accepted = await postListings(pipeline, n, 'sale');
    expect(accepted.every((a) => a.status === 202)).to.equal(true);
    const queues = createQueues(pipeline.config, pipeline.connections.queueRedis);
    const replicateJobsBefore = (await queues.replicate.getJobCounts('completed')).completed ?? 0;
    pipeline.startWorkers();
    const listings = pipeline.connections.mongo.db!.collection('listings');
    await eventually(async () => ((await listings.countDocuments()) === n ? true : undefined), {
      what: `${n} listing documents`,
    });
    const docs = await listings.find({}).sort({ price: 1 }).toArray();
    expect(docs.map((doc) => doc.price)).to.deep.equal(accepted.map((_, i) => i + 1));
    expect(docs.map((doc) => doc._id)).to.have.members(
      accepted.map((a) => (a.body as { listing: { id: number } }).listing.id),
    );
    const replicateJobs =
      ((await queues.replicate.getJobCounts('completed')).completed ?? 0) - replicateJobsBefore;
    expect(replicateJobs).to.be.greaterThan(0);
    expect(replicateJobs).to.be.below(n / 4);
    await closeQueues(queues);
  });

  it('leaves one row and one document when the same write is processed twice', async () => {
    pipeline.startWorkers();
    const created = await http('POST', `${pipeline.urls.users}/users`, {
      json: { name: 'Once' },
      headers: { Prefer: 'wait=10' },
    });
    expect(created.status).to.equal(201);
    const user = created.body.user;
    // The same payload again, as a retried or duplicated delivery would bring it.
    const queues = createQueues(pipeline.config, pipeline.connections.queueRedis);
    const replay = await queues.created.users!.add(
      'user.create',
      { requestId: 'replay', version: 1, user: { ...user } },
      { jobId: `${jobIds.persist('users', user.id, 1)}-replayed` },
    );
    await eventually(async () => ((await replay.getState()) === 'completed' ? true : undefined));
    // The replay's change event (if any) was queued before its job completed; once the
    // replicate queue is idle, every copy it could make is in Mongo: no window slept through.
    await eventually(
      async () => {
        const counts = await queues.replicate.getJobCounts(
          'waiting',
          'active',
          'delayed',
          'prioritized',
          'waiting-children',
        );
        return Object.values(counts).every((count) => count === 0) ? true : undefined;
      },
      { what: 'the replicate queue to be idle' },
    );
    await closeQueues(queues);
    const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
      'SELECT id, name, created_at, updated_at, version FROM users WHERE id = ?',
      [user.id],
    );
    expect(rows).to.have.length(1);
    expect({ ...rows[0] }).to.deep.equal({ ...user, version: 1 });
    const docs = await eventually(async () => {
      const found = await pipeline.connections.mongo
        .db!.collection('users')
        .find({ _id: user.id })
        .toArray();
      return found.length > 0 ? found : undefined;
    });
    expect(
      await pipeline.connections.mongo.db!.collection('users').countDocuments({ _id: user.id }),
    ).to.equal(1);
    expect(docs[0]).to.include({ name: 'Once', version: 1 });
  });

  it('keeps accepted writes queued while workers are down and drains them when they return', async () => {
    const accepted = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        http('POST', `${pipeline.urls.users}/users`, { json: { name: `queued-${i}` } }),
      ),
    );
    expect(accepted.every((a) => a.status === 202)).to.equal(true);
    expect(await countRows(pipeline, 'users')).to.equal(0);
    pipeline.startWorkers();
    await eventually(async () => ((await countRows(pipeline, 'users')) === 30 ? true : undefined));
  });
});
