import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { startCountingProxy } from '../support/counting-proxy.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { startPublicApi } from '../support/public-api.js';
import { ndjson, lines } from '../support/ndjson.js';

describe('bulk intake (spec §7), HTTP in → rows and documents out', function () {
  this.timeout(180_000);
  let pipeline: Pipeline;

  before(async () => {
    pipeline = await startPipeline();
  });
  after(() => pipeline.stop());

  async function count(table: string, where = '1 = 1', params: unknown[] = []): Promise<number> {
    const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`,
      params,
    );
    return Number(rows[0]?.n);
  }

  describe('POST /users/bulk with a 10,000-item NDJSON body', () => {
    const invalidAt = new Map<number, unknown>([
      [0, { name: '' }],
      [17, { name: 'x', age: 3 }],
      [4_999, { nom: 'typo' }],
      [5_000, 'not an object'],
      [9_999, { name: 'y'.repeat(201) }],
    ]);
    let answer: Awaited<ReturnType<typeof http>>;
    const tag = `bulk-${Date.now()}`;

    before(async () => {
      const items = Array.from(
        { length: 10_000 },
        (_, i) => invalidAt.get(i) ?? { name: `${tag} ${i}` },
      );
      answer = await http('POST', `${pipeline.urls.users}/users/bulk`, {
        raw: ndjson(items),
        headers: { 'content-type': 'application/x-ndjson' },
      });
    });

    it('answers 207 in NDJSON: one line per item in input order, then the counts', () => {
      expect(answer.status).to.equal(207);
      expect(answer.headers['content-type']).to.match(/^application\/x-ndjson/);
      const out = lines(answer.text);
      expect(out).to.have.length(10_001);
      out.slice(0, 10_000).forEach((line, i) => expect(line.index).to.equal(i));
      expect(out[10_000]).to.deep.equal({ result: true, accepted: 9_995, rejected: 5 });
    });

    it('reports each invalid item by index with its field errors, and nothing else', () => {
      const out = lines(answer.text).slice(0, 10_000);
      const refused = out.filter((line) => line.status === 400);
      expect(refused.map((line) => line.index)).to.deep.equal([...invalidAt.keys()]);
      expect(out[0]!.errors).to.deep.equal(['name must not be empty']);
      expect(out[17]!.errors).to.deep.equal(['unknown field age']);
      expect(out[4_999]!.errors).to.include('name is required');
      expect(out[5_000]!.errors).to.deep.equal(['request body must be an object']);
      expect(out[9_999]!.errors).to.deep.equal(['name must be at most 200 characters']);
      const accepted = out.filter((line) => line.status === 202);
      expect(accepted).to.have.length(9_995);
      expect(accepted[0]).to.have.all.keys('index', 'status', 'user', 'job_id');
    });

    it('stores exactly the valid items in MySQL and in Mongo, each once, with the answered ids', async () => {
      const accepted = lines(answer.text).filter((line) => line.status === 202);
      const ids = accepted.map((line) => (line.user as { id: number }).id);
      expect(new Set(ids).size).to.equal(9_995);
      await eventually(
        async () =>
          (await count('users', 'name LIKE ?', [`${tag} %`])) === 9_995 ? true : undefined,
        { what: '9,995 rows in MySQL', timeoutMs: 120_000 },
      );
      const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
        'SELECT id FROM users WHERE name LIKE ? ORDER BY id',
        [`${tag} %`],
      );
      expect(rows.map((row) => Number(row.id))).to.deep.equal([...ids].sort((a, b) => a - b));
      const users = pipeline.connections.mongo.db!.collection('users');
      await eventually(
        async () =>
          (await users.countDocuments({ name: { $regex: `^${tag} ` } })) === 9_995
            ? true
            : undefined,
        { what: '9,995 documents in Mongo', timeoutMs: 150_000 },
      );
    });
  });

  describe('POST /listings/bulk with a JSON array', () => {
    it('answers 202 with every listing in order; the same Idempotency-Key again replays it and stores nothing more', async () => {
      const items = Array.from({ length: 1_200 }, (_, i) => ({
        user_id: 424_242,
        listing_type: i % 2 ? 'rent' : 'sale',
        price: 1 + i,
      }));
      const key = `listings-bulk-${Date.now()}`;
      const first = await http('POST', `${pipeline.urls.listings}/listings/bulk`, {
        json: items,
        headers: { 'idempotency-key': key },
      });
      expect(first.status).to.equal(202);
      expect(first.body).to.include({ result: true, accepted: 1_200, rejected: 0 });
      expect(first.body.items[1_199].listing).to.include({ price: 1_200, user_id: 424_242 });
      const again = await http('POST', `${pipeline.urls.listings}/listings/bulk`, {
        json: items,
        headers: { 'idempotency-key': key },
      });
      expect(again.status).to.equal(202);
      expect(again.headers['idempotent-replayed']).to.equal('true');
      expect(again.body).to.deep.equal(first.body);
      const other = await http('POST', `${pipeline.urls.listings}/listings/bulk`, {
        json: items.slice(1),
        headers: { 'idempotency-key': key },
      });
      expect(other.status).to.equal(422);
      // A body that starts like the first one but goes on is another request too.
      const longer = await http('POST', `${pipeline.urls.listings}/listings/bulk`, {
        json: [...items, items[0]],
        headers: { 'idempotency-key': key },
      });
      expect(longer.status).to.equal(422);
      await eventually(
        async () => ((await count('listings', 'user_id = 424242')) === 1_200 ? true : undefined),
        { what: '1,200 listing rows' },
      );
      // Once the queue is drained, the replay has added nothing: still one row per listing.
      const queue = pipeline.apps.queues.find((q) => q.name === 'persist-listings')!;
      await eventually(
        async () => {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
          return Object.values(counts).every((n) => n === 0) ? true : undefined;
        },
        { what: 'the listings queue to drain' },
      );
      expect(await count('listings', 'user_id = 424242')).to.equal(1_200);
    });

    it('with Prefer: wait answers 201 once every item is persisted', async () => {
      const answer = await http('POST', `${pipeline.urls.listings}/listings/bulk`, {
        json: [
          { user_id: 5, listing_type: 'rent', price: 10 },
          { user_id: 6, listing_type: 'sale', price: 20 },
        ],
        headers: { prefer: 'wait=15' },
      });
      expect(answer.status).to.equal(201);
      expect(answer.headers['preference-applied']).to.equal('wait');
      expect(answer.body.items.map((item: { status: number }) => item.status)).to.deep.equal([
        201, 201,
      ]);
      const id = answer.body.items[1].listing.id;
      expect(await count('listings', 'id = ?', [id])).to.equal(1);
    });

    it('refuses a body that is not a JSON array or NDJSON by name, before enqueueing anything', async () => {
      const text = await http('POST', `${pipeline.urls.listings}/listings/bulk`, {
        raw: 'user_id,price',
        headers: { 'content-type': 'text/csv' },
      });
      expect(text.status).to.equal(415);
      const object = await http('POST', `${pipeline.urls.listings}/listings/bulk`, {
        json: { user_id: 1, listing_type: 'rent', price: 1 },
      });
      expect(object.status).to.equal(400);
      expect(object.body.errors).to.deep.equal(['a JSON bulk body must be an array of items']);
      expect(object.body.accepted).to.equal(0);
    });

    it('a JSON syntax error ends the request: the items read before it are answered, none after', async () => {
      const good = JSON.stringify({ user_id: 777_001, listing_type: 'rent', price: 5 });
      const answer = await http('POST', `${pipeline.urls.listings}/listings/bulk`, {
        raw: `[${good},${good},{"user_id": 1,, ]`,
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status).to.equal(400);
      expect(answer.body.result).to.equal(false);
      expect(answer.body.errors[0]).to.match(/not valid JSON after item 1/);
      expect(answer.body).to.include({ accepted: 2, processed: 2 });
      await eventually(
        async () => ((await count('listings', 'user_id = 777001')) === 2 ? true : undefined),
        { what: 'the two rows' },
      );
    });
  });

  describe('customers, orders and people', () => {
    it('POST /customers/bulk: a username taken in the batch or before is that item’s 409', async () => {
      const name = `bulkcust${Date.now()}`;
      const taken = await http('POST', `${pipeline.urls.customers}/customers`, {
        json: { username: `${name}a`, address: '1 A St', income: '1.00' },
      });
      expect(taken.status).to.equal(202);
      const answer = await http('POST', `${pipeline.urls.customers}/customers/bulk`, {
        raw: ndjson([
          { username: `${name}b`, address: '2 B St', income: '12345.67' },
          { username: `${name}A`, address: '3 C St', income: 1 },
          { username: `${name}B`, address: '4 D St', income: 2 },
          { username: `${name}c`, address: '5 E St', income: '-1' },
        ]),
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(answer.status).to.equal(207);
      const out = lines(answer.text);
      expect(out.slice(0, 4).map((line) => line.status)).to.deep.equal([202, 409, 409, 400]);
      expect(out[1]!.errors).to.deep.equal([`username ${name}A is already taken`]);
      expect((out[0]!.customer as { income: string }).income).to.equal('12345.67');
      const uuid = (out[0]!.customer as { uuid: string }).uuid;
      await eventually(
        async () => ((await count('customers', 'uuid = ?', [uuid])) === 1 ? true : undefined),
        { what: 'the customer row' },
      );
      const replicas = pipeline.connections.mongo.db!.collection('customers');
      await eventually(async () => (await replicas.findOne({ _id: uuid as never })) ?? undefined, {
        what: 'the customer document',
        // Behind the replication of the larger batches above (FerretDB is slow to upsert).
        timeoutMs: 90_000,
      });
    });

    it('POST /orders/bulk lands every order in Mongo', async () => {
      const model = `bulk-${Date.now()}`;
      const answer = await http('POST', `${pipeline.urls.orders}/orders/bulk`, {
        json: Array.from({ length: 30 }, (_, i) => ({
          vehicle_manufacturer: 'Volvo',
          model,
          total_price: 100 + i,
        })),
      });
      expect(answer.status).to.equal(202);
      expect(answer.body.items[0].order).to.include({ status: 'new', model });
      expect(answer.body.items[0].order.id).to.match(/^[0-9a-f]{24}$/);
      const orders = pipeline.connections.mongo.db!.collection('orders');
      await eventually(
        async () => ((await orders.countDocuments({ model })) === 30 ? true : undefined),
        { what: '30 orders', timeoutMs: 90_000 },
      );
    });

    it('POST /people/bulk treats blank fields as absent, like POST /people', async () => {
      const last = `Bulk${Date.now()}`;
      const answer = await http('POST', `${pipeline.urls.people}/people/bulk`, {
        json: [
          { first: 'Ada', last, age: '' },
          { first: 'Bo', last, age: 151 },
        ],
      });
      expect(answer.status).to.equal(207);
      expect(answer.body.items[0].person).to.include({ first: 'Ada', last, age: null });
      expect(answer.body.items[1].errors).to.deep.equal(['age must be at most 150']);
      await eventually(
        async () => ((await count('people', 'last = ?', [last])) === 1 ? true : undefined),
        { what: 'the person row' },
      );
    });
  });

  describe('the public API', () => {
    it('/public-api/listings/bulk: one user look-up per chunk, an unknown user_id is that item’s 422', async () => {
      const user = await http('POST', `${pipeline.urls.users}/users`, {
        json: { name: 'bulk owner' },
        headers: { prefer: 'wait=10' },
      });
      expect(user.status).to.equal(201);
      const owner = user.body.user;
      const proxy = await startCountingProxy(pipeline.urls.users);
      const api = await startPublicApi(pipeline, {
        USERS_BASE_URL: proxy.url,
        PUBLIC_USER_CHECK_WAIT_MS: '0',
      });
      try {
        const items = Array.from({ length: 250 }, (_, i) => ({
          user_id: i === 7 ? 987_654_321 : owner.id,
          listing_type: 'rent',
          price: 1_000 + i,
        }));
        const answer = await http('POST', `${api.url}/public-api/listings/bulk`, {
          raw: ndjson(items),
          headers: { 'content-type': 'application/x-ndjson' },
        });
        expect(answer.status).to.equal(207);
        const out = lines(answer.text);
        expect(out[250]).to.deep.equal({ result: true, accepted: 249, rejected: 1 });
        expect(out[7]).to.deep.equal({
          index: 7,
          status: 422,
          errors: ['user_id 987654321 does not exist'],
        });
        expect(out[0]!.listing).to.deep.include({ user_id: owner.id, price: 1_000, user: owner });
        // 250 items in chunks of 100: three look-ups, never one per item.
        expect(proxy.requests.filter((r) => r.startsWith('GET /users'))).to.have.length(3);
      } finally {
        await api.close();
        await proxy.close();
      }
    });

    it('/public-api/users/bulk passes users on to the user service', async () => {
      const answer = await http('POST', `${pipeline.urls.public}/public-api/users/bulk`, {
        json: [{ name: 'Pub One' }, { name: '' }, { name: 'Pub Two' }],
        headers: { prefer: 'wait=10' },
      });
      expect(answer.status).to.equal(207);
      expect(answer.body.items.map((item: { status: number }) => item.status)).to.deep.equal([
        201, 400, 201,
      ]);
      expect(await count('users', 'id = ?', [answer.body.items[2].user.id])).to.equal(1);
    });
  });
});
