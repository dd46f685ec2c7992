import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { request } from 'undici';
import { jobIds, type ChangeEvent } from '../../shared/domain/writes/write-jobs.js';
import { closeQueues } from '../../shared/infra/queues/queues.js';
import { createQueues } from '../../shared/domain/resources/resource-queues.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { usernameReservationKey } from '../../shared/infra/redis/redis-keys.js';
import { usernameKey } from '../../shared/domain/customers/username-key.js';

describe('customer service (spec §2.4): events, replication, exact income, claims, streaming', () => {
  let pipeline: Pipeline;
  let base: string;
  let counter = 0;
  const unique = (stem: string) => `${stem}-${Date.now().toString(36)}-${(counter += 1)}`;

  before(async () => {
    pipeline = await startPipeline();
    base = pipeline.urls.customers;
  });
  after(() => pipeline.stop());

  const mongo = () =>
    pipeline.connections.mongo.db!.collection<{
      _id: string;
      version: number;
      [field: string]: unknown;
    }>('customers');
  const claimKey = (username: string) =>
    usernameReservationKey(pipeline.config.queue.prefix, usernameKey(username));

  async function send(method: string, path: string, json?: Record<string, unknown>) {
    const answer = await http(method, `${base}${path}`, { json, headers: { Prefer: 'wait=10' } });
    expect(answer.status, answer.text).to.equal(201);
    // The legacy PUT /customer answers the seed's flat shape (§2.4); the REST routes the envelope.
    return answer.body.customer ?? answer.body;
  }

  /** The Mongo copy once it reached `version`. */
  function replicaAt(uuid: string, version: number) {
    return eventually(
      async () => {
        const doc = await mongo().findOne({ _id: uuid });
        return doc && doc.version >= version ? doc : undefined;
      },
      { what: `the Mongo copy of ${uuid} at version ${version}` },
    );
  }

  describe('income is exact through MySQL, Mongo and the API', () => {
    for (const income of ['12345.67', '0.10', '99999999999999.99', '999999999999999999.99']) {
      it(`keeps "${income}" digit for digit`, async () => {
        const customer = await send('PUT', '/customer', {
          username: unique('rich'),
          address: 'a',
          income,
        });
        expect(customer.income).to.equal(income);
        const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
          'SELECT CAST(income AS CHAR) AS income FROM customers WHERE uuid = ?',
          [customer.uuid],
        );
        expect(rows[0]?.income).to.equal(income);
        expect((await replicaAt(customer.uuid, 1)).income).to.equal(income);
        const read = await http('GET', `${base}/customer?uuid=${customer.uuid}`);
        expect(read.body.income).to.equal(income);
        expect(read.text).to.include(`"income":"${income}"`);
      });
    }
  });

  describe('change events', () => {
    it('records insert, update and delete with the right before/after, oldest first', async () => {
      const created = await send('POST', '/customers', {
        username: unique('ivy'),
        address: 'old address',
        income: '1.00',
      });
      const updated = await send('PATCH', `/customers/${created.uuid}`, {
        address: 'new address',
        income: '2.50',
      });
      const deleted = await send('DELETE', `/customers/${created.uuid}`);
      const answer = await http('GET', `${base}/customers/${created.uuid}/events`);
      expect(answer.status).to.equal(200);
      const events = answer.body.events;
      expect(events.map((e: ChangeEvent) => [e.type, e.version])).to.deep.equal([
        ['insert', 1],
        ['update', 2],
        ['delete', 3],
      ]);
      for (const event of events) {
        expect(event).to.have.all.keys(
          'id',
          'type',
          'entity',
          'key',
          'before',
          'after',
          'version',
          'at',
        );
        expect(event).to.include({ entity: 'customers', key: created.uuid });
        expect(event.id).to.equal(jobIds.changeEvent('customers', created.uuid, event.version));
      }
      expect(events[0].before).to.equal(null);
      expect(events[0].after).to.deep.equal(created);
      expect(events[1].before).to.deep.equal(created);
      expect(events[1].after).to.deep.equal(updated);
      expect(events[1].after).to.include({ address: 'new address', income: '2.50', version: 2 });
      expect(events[2].before).to.deep.equal(updated);
      expect(events[2].after).to.deep.equal(deleted);
      expect(events[2].after).to.include({ deleted: true, version: 3 });
      expect(events[0].at).to.be.at.most(events[1].at);
      expect(events[1].at).to.be.at.most(events[2].at);
      const replica = await replicaAt(created.uuid, 3);
      expect(replica).to.include({ deleted: true, address: 'new address', income: '2.50' });
    });

    it('answers 404 for the events of an unknown customer and 400 for a malformed uuid', async () => {
      expect(
        (await http('GET', `${base}/customers/${crypto.randomUUID()}/events`)).status,
      ).to.equal(404);
      expect((await http('GET', `${base}/customers/nope/events`)).status).to.equal(400);
    });
  });

  describe('replication to Mongo', () => {
    it('leaves the copy at the newest version when an old event is replayed', async () => {
      const customer = await send('POST', '/customers', {
        username: unique('kim'),
        address: 'v1',
        income: 1,
      });
      await send('PATCH', `/customers/${customer.uuid}`, { address: 'v2' });
      await replicaAt(customer.uuid, 2);
      const events = (await http('GET', `${base}/customers/${customer.uuid}/events`)).body.events;
      const queues = createQueues(pipeline.config, pipeline.connections.queueRedis);
      try {
        // A late duplicate of the insert event, under a new job id so BullMQ does not drop it.
        for (const [i, event] of events.slice(0, 1).entries()) {
          const job = await queues.replicate.add(
            'customers.replay',
            { ...event, requestId: 'replay' },
            { jobId: `replay-${event.id}-${i}` },
          );
          await eventually(
            async () => ((await job.getState()) === 'completed' ? true : undefined),
            { what: 'the replayed event to be processed' },
          );
        }
      } finally {
        await closeQueues(queues);
      }
      const doc = await mongo().findOne({ _id: customer.uuid });
      expect(doc).to.include({ version: 2, address: 'v2', username: customer.username });
    });
  });

  describe('username claims', () => {
    it('are released when the write fails for good (MySQL unique index hit by another writer)', async () => {
      await pipeline.stopWorkers();
      const username = unique('clash');
      let uuid: string;
      try {
        const accepted = await http('PUT', `${base}/customer`, {
          json: { username, address: 'a', income: 1 },
        });
        expect(accepted.status).to.equal(202);
        uuid = accepted.body.uuid; // the legacy route answers the seed's flat shape
        expect(await pipeline.connections.queueRedis.get(claimKey(username))).to.equal(uuid);
        // Another writer (a bulk import, say) commits the same username first, bypassing the API.
        await pipeline.connections.mysql.query(
          `INSERT INTO customers (uuid, username, username_key, address, income, created_at, updated_at)
           VALUES (?, ?, ?, 'import', 0, 1, 1)`,
          [crypto.randomUUID(), username.toUpperCase(), username.toLowerCase()],
        );
      } finally {
        pipeline.startWorkers();
      }
      const queues = createQueues(pipeline.config, pipeline.connections.queueRedis);
      try {
        const job = await queues.persistCustomers.getJob(
          jobIds.persist('customers', uuid!, 1),
          uuid!,
        );
        const state = await eventually(
          async () => {
            const current = await job!.getState();
            return current === 'failed' ? current : undefined;
          },
          { what: 'the write to fail' },
        );
        expect(state).to.equal('failed');
        const failed = await queues.persistCustomers.getJob(job!.id!, uuid!);
        expect(failed!.attemptsMade, 'a permanent failure is not retried').to.equal(1);
        expect(failed!.failedReason).to.match(/username is already taken/);
      } finally {
        await closeQueues(queues);
      }
      expect(await pipeline.connections.queueRedis.get(claimKey(username))).to.equal(null);
      const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
        'SELECT COUNT(*) AS n FROM customers WHERE uuid = ?',
        [uuid!],
      );
      expect(Number(rows[0]?.n)).to.equal(0);
      // Once the other row is gone, the name can be claimed again: the failed write held nothing.
      await pipeline.connections.mysql.query('DELETE FROM customers WHERE username_key = ?', [
        username.toLowerCase(),
      ]);
      const retry = await http('PUT', `${base}/customer`, {
        json: { username, address: 'b', income: 1 },
        headers: { Prefer: 'wait=10' },
      });
      expect(retry.status).to.equal(201);
    });
  });

  describe('GET /customer (every uuid → username pair)', () => {
    it('streams all 2,000 pairs as one JSON object, chunked, leaving out deleted customers', async () => {
      await pipeline.connections.mysql.query('DELETE FROM customers');
      const rows = Array.from({ length: 2000 }, (_, i) => [
        crypto.randomUUID(),
        `stream-"user"-${i}`,
        `stream-"user"-${i}`,
        'a',
        '1.00',
        i + 1,
        i + 1,
        0,
      ]);
      rows.push([crypto.randomUUID(), 'gone', null as unknown as string, 'a', '1.00', 1, 1, 1]);
      await pipeline.connections.mysql.query(
        `INSERT INTO customers (uuid, username, username_key, address, income, created_at, updated_at, deleted)
         VALUES ?`,
        [rows],
      );
      const response = await request(`${base}/customer`);
      expect(response.statusCode).to.equal(200);
      expect(response.headers['transfer-encoding']).to.equal('chunked');
      expect(response.headers['content-length']).to.equal(undefined);
      expect(response.headers['content-type']).to.match(/^application\/json/);
      let chunks = 0;
      let text = '';
      for await (const chunk of response.body) {
        chunks += 1;
        text += chunk.toString();
      }
      expect(chunks, 'the body arrives in several chunks').to.be.greaterThan(1);
      const pairs = JSON.parse(text) as Record<string, string>;
      const expected = Object.fromEntries(rows.slice(0, 2000).map((r) => [r[0], r[1]]));
      expect(pairs).to.deep.equal(expected);
    });

    it('streams an empty object when there are no customers', async () => {
      await pipeline.connections.mysql.query('DELETE FROM customers');
      const answer = await http('GET', `${base}/customer`);
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({});
    });
  });
});
