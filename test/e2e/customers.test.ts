import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CUSTOMER_KEYS = [
  'uuid',
  'username',
  'address',
  'income',
  'name',
  'email',
  'phone',
  'created_at',
  'updated_at',
  'deleted',
  'version',
];

describe('customer service (spec §2.4): routes, shapes and errors', () => {
  let pipeline: Pipeline;
  let base: string;
  let counter = 0;
  const unique = (stem: string) => `${stem}-${Date.now().toString(36)}-${(counter += 1)}`;

  before(async () => {
    pipeline = await startPipeline();
    base = pipeline.urls.customers;
  });
  after(() => pipeline.stop());

  async function mysqlRow(uuid: string) {
    const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
      'SELECT uuid, username, income, deleted, version FROM customers WHERE uuid = ?',
      [uuid],
    );
    return rows[0];
  }

  /** Creates a customer and waits until it is persisted. */
  async function created(body: Record<string, unknown>) {
    const answer = await http('POST', `${base}/customers`, {
      json: body,
      headers: { Prefer: 'wait=10' },
    });
    expect(answer.status, answer.text).to.equal(201);
    return answer.body.customer;
  }

  describe('PUT /customer (legacy create)', () => {
    it('answers the request’s fields with its generated v4 uuid beside them (the seed’s shape), Location and the job id', async () => {
      const username = unique('alice');
      const sent = { username, address: '1 Main St', income: '12345.67' };
      const answer = await http('PUT', `${base}/customer`, { json: sent });
      // The legacy PUT waits (bounded) for its write to land, as the seed's client reads right after.
      expect(answer.status).to.be.oneOf([201, 202]);
      expect(answer.body).to.have.all.keys('username', 'address', 'income', 'uuid');
      expect(answer.body).to.include(sent);
      expect(answer.body.uuid).to.match(UUID_V4);
      expect(answer.headers.location).to.equal(`/customers/${answer.body.uuid}`);
      expect(answer.headers['x-job-id']).to.not.equal(undefined);
      const row = await eventually(() => mysqlRow(answer.body.uuid), { what: 'the MySQL row' });
      expect(row).to.include({ username, income: '12345.67', deleted: 0, version: 1 });
      // The REST read shows the whole customer as stored.
      const read = await http('GET', `${base}/customers/${answer.body.uuid}`);
      expect(read.body.customer).to.have.all.keys(...CUSTOMER_KEYS);
      expect(read.body.customer).to.include({
        ...sent,
        name: null,
        email: null,
        phone: null,
        deleted: false,
        version: 1,
      });
    });

    it('answers 201 once persisted when the client asks to wait', async () => {
      const answer = await http('PUT', `${base}/customer`, {
        json: { username: unique('bob'), address: 'x', income: 10 },
        headers: { Prefer: 'wait=10' },
      });
      expect(answer.status).to.equal(201);
      expect(answer.body.income).to.equal(10);
      expect(await mysqlRow(answer.body.uuid)).to.include({ income: '10.00' });
    });

    it('refuses bad input with 400 naming each field, and claims no username', async () => {
      const cases: [Record<string, unknown>, string[]][] = [
        [{}, ['username is required', 'address is required', 'income is required']],
        [{ username: '', address: 'a', income: 1 }, ['username must not be empty']],
        [
          { username: 'u'.repeat(65), address: 'a', income: 1 },
          ['username must be at most 64 characters'],
        ],
        [{ username: 'neg', address: 'a', income: -1 }, [incomeMessage()]],
        [{ username: 'neg', address: 'a', income: '-1.00' }, [incomeMessage()]],
        [{ username: 'three', address: 'a', income: '1.005' }, [incomeMessage()]],
        [{ username: 'word', address: 'a', income: 'lots' }, [incomeMessage()]],
        [{ username: 'big', address: 'a', income: '1234567890123456789.00' }, [incomeMessage()]],
        [{ username: 'bool', address: 'a', income: true }, ['income must be a string or a number']],
        [
          { username: 'mail', address: 'a', income: 1, email: 'not-an-email' },
          ['email must be a valid email'],
        ],
        [{ username: 'x', address: 'a', income: 1, admin: true }, ['unknown field admin']],
      ];
      for (const [body, errors] of cases) {
        const answer = await http('PUT', `${base}/customer`, { json: body });
        expect(answer.status, JSON.stringify(body)).to.equal(400);
        expect(answer.body, JSON.stringify(body)).to.deep.include({ result: false, errors });
      }
      const claims = await pipeline.connections.queueRedis.keys(
        `${pipeline.config.queue.prefix}:customers:username:*`,
      );
      expect(claims.filter((k) => /:(neg|three|word|big|bool|mail|x)$/.test(k))).to.deep.equal([]);
    });

    it('keeps a JSON number whose digits a double cannot carry exactly as written (issue 31)', async () => {
      // A double holds 99999999999999.98…; the literal's own digits are what is stored.
      const answer = await http('POST', `${base}/customers`, {
        raw: `{"username":"${unique('precise')}","address":"a","income":99999999999999.99}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status, answer.text).to.equal(202);
      expect(answer.body.customer.income).to.equal('99999999999999.99');
    });
  });

  describe('username uniqueness', () => {
    it('lets exactly one of two concurrent creates with one username through; the other gets 409', async () => {
      const username = unique('twin');
      const answers = await Promise.all(
        [1, 2].map((n) =>
          http('PUT', `${base}/customer`, {
            json: { username, address: `${n} Twin St`, income: n },
          }),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).to.have.length(2);
      expect(statuses[0]).to.be.oneOf([201, 202]);
      expect(statuses[1]).to.equal(409);
      const refused = answers.find((a) => a.status === 409)!;
      expect(refused.body).to.deep.include({
        result: false,
        errors: [`username ${username} is already taken`],
      });
    });

    it('refuses a taken username while the first write is still queued, ignoring case', async () => {
      await pipeline.stopWorkers();
      try {
        const username = unique('Queued');
        const first = await http('POST', `${base}/customers`, {
          json: { username, address: 'a', income: 1 },
        });
        expect(first.status).to.equal(202);
        const second = await http('POST', `${base}/customers`, {
          json: { username: username.toLowerCase(), address: 'b', income: 2 },
        });
        expect(second.status).to.equal(409);
      } finally {
        pipeline.startWorkers();
      }
    });

    it('refuses a username a committed row holds even without a claim in Redis', async () => {
      const holder = await created({ username: unique('legacy'), address: 'a', income: 1 });
      await pipeline.connections.queueRedis.del(
        `${pipeline.config.queue.prefix}:customers:username:${holder.username}`,
      );
      const answer = await http('POST', `${base}/customers`, {
        json: { username: holder.username, address: 'b', income: 2 },
      });
      expect(answer.status).to.equal(409);
    });
  });

  describe('REST', () => {
    it('POST /customers takes the optional fields; GET /customers/{uuid} returns it as stored', async () => {
      const customer = await created({
        username: unique('carol'),
        address: '2 Side St',
        income: '0.10',
        name: 'Carol C',
        email: 'carol@example.com',
        phone: '+44 20 7946 0000',
      });
      const answer = await http('GET', `${base}/customers/${customer.uuid}`);
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ result: true, customer });
      expect(customer).to.include({ income: '0.10', name: 'Carol C', email: 'carol@example.com' });
      const upper = await http('GET', `${base}/customers/${customer.uuid.toUpperCase()}`);
      expect(upper.body.customer).to.deep.equal(customer);
    });

    it('GET /customer?uuid= (legacy) returns the same customer; unknown is 404, malformed 400', async () => {
      const customer = await created({ username: unique('dave'), address: 'a', income: 5 });
      const answer = await http('GET', `${base}/customer?uuid=${customer.uuid}`);
      expect(answer.status).to.equal(200);
      // The seed's shape: the customer at the top level, with the day it was created.
      expect(answer.body).to.deep.equal({
        ...customer,
        created: new Date(customer.created_at / 1000).toISOString().slice(0, 10),
      });
      const unknown = await http('GET', `${base}/customer?uuid=${crypto.randomUUID()}`);
      expect(unknown.status).to.equal(404);
      expect(unknown.body.result).to.equal(false);
      const malformed = await http('GET', `${base}/customer?uuid=42`);
      expect(malformed.status).to.equal(400);
      expect(malformed.body.errors).to.deep.equal(['invalid uuid']);
      expect((await http('GET', `${base}/customers/42`)).status).to.equal(400);
    });

    it('GET /customers pages live customers newest first', async () => {
      const a = await created({ username: unique('page-a'), address: 'a', income: 1 });
      const b = await created({ username: unique('page-b'), address: 'b', income: 2 });
      const answer = await http('GET', `${base}/customers?page_num=1&page_size=2`);
      expect(answer.status).to.equal(200);
      expect(answer.body.customers.map((c: { uuid: string }) => c.uuid)).to.deep.equal([
        b.uuid,
        a.uuid,
      ]);
      const bad = await http('GET', `${base}/customers?page_size=0`);
      expect(bad.status).to.equal(400);
      expect(bad.body.errors).to.deep.equal(['invalid page_size']);
    });

    it('PATCH /customers/{uuid} changes fields, bumps the version and moves the username claim', async () => {
      const customer = await created({ username: unique('erin'), address: 'a', income: 1 });
      const newName = unique('erin-renamed');
      const answer = await http('PATCH', `${base}/customers/${customer.uuid}`, {
        json: { username: newName, income: '250000.5', name: 'Erin', email: null },
        headers: { Prefer: 'wait=10' },
      });
      expect(answer.status).to.equal(201);
      expect(answer.body.customer).to.include({
        uuid: customer.uuid,
        username: newName,
        income: '250000.50',
        name: 'Erin',
        email: null,
        version: 2,
        created_at: customer.created_at,
      });
      expect(answer.body.customer.updated_at).to.be.greaterThan(customer.updated_at);
      // The old name is free again, the new one is taken.
      const reuse = await http('POST', `${base}/customers`, {
        json: { username: customer.username, address: 'b', income: 1 },
      });
      expect(reuse.status).to.equal(202);
      const clash = await http('POST', `${base}/customers`, {
        json: { username: newName, address: 'c', income: 1 },
      });
      expect(clash.status).to.equal(409);
    });

    it('PATCH refuses an empty change, a taken username, bad fields and an unknown customer', async () => {
      const customer = await created({ username: unique('fay'), address: 'a', income: 1 });
      const other = await created({ username: unique('gus'), address: 'a', income: 1 });
      const url = `${base}/customers/${customer.uuid}`;
      const empty = await http('PATCH', url, { json: {} });
      expect(empty.status).to.equal(400);
      expect(empty.body.errors[0]).to.match(/^nothing to change/);
      const taken = await http('PATCH', url, { json: { username: other.username } });
      expect(taken.status).to.equal(409);
      const bad = await http('PATCH', url, { json: { income: '1.234', uuid: 'x' } });
      expect(bad.status).to.equal(400);
      expect(bad.body.errors).to.deep.equal(['unknown field uuid']);
      const unknown = await http('PATCH', `${base}/customers/${crypto.randomUUID()}`, {
        json: { address: 'z' },
      });
      expect(unknown.status).to.equal(404);
    });

    it('DELETE /customers/{uuid} soft-deletes: the row stays, reads say 404, the username is free', async () => {
      const customer = await created({ username: unique('hal'), address: 'a', income: 1 });
      const answer = await http('DELETE', `${base}/customers/${customer.uuid}`, {
        headers: { Prefer: 'wait=10' },
      });
      expect(answer.status).to.equal(201);
      expect(answer.body.customer).to.include({ uuid: customer.uuid, deleted: true, version: 2 });
      expect(await mysqlRow(customer.uuid)).to.include({ deleted: 1, version: 2 });
      expect((await http('GET', `${base}/customers/${customer.uuid}`)).status).to.equal(404);
      expect((await http('GET', `${base}/customer?uuid=${customer.uuid}`)).status).to.equal(404);
      const list = await http('GET', `${base}/customers?page_size=100`);
      expect(list.body.customers.map((c: { uuid: string }) => c.uuid)).to.not.include(
        customer.uuid,
      );
      expect((await http('DELETE', `${base}/customers/${customer.uuid}`)).status).to.equal(404);
      expect(
        (await http('PATCH', `${base}/customers/${customer.uuid}`, { json: { address: 'q' } }))
          .status,
      ).to.equal(404);
      const reuse = await http('POST', `${base}/customers`, {
        json: { username: customer.username, address: 'b', income: 1 },
        headers: { Prefer: 'wait=10' },
      });
      expect(reuse.status).to.equal(201);
    });
  });
});

function incomeMessage(): string {
  return 'income must be a non-negative decimal with at most 18 digits before the point and 2 after, e.g. "12345.67"';
}
