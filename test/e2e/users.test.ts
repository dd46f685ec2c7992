import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { idCounterKey } from '../../shared/infra/redis/redis-keys.js';
import { emptyCache } from '../support/stores.js';

describe('user service (spec §2.1), HTTP in → MySQL row and Mongo document out', () => {
  let pipeline: Pipeline;
  let base: string;

  before(async () => {
    pipeline = await startPipeline();
    base = pipeline.urls.users;
  });
  after(() => pipeline.stop());

  async function mysqlUser(id: number) {
    const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
      'SELECT id, name, created_at, updated_at FROM users WHERE id = ?',
      [id],
    );
    return rows[0];
  }

  describe('POST /users', () => {
    it('accepts a form body with 202, the full user, a Location header and the job id', async () => {
      const before = Date.now() * 1000;
      const answer = await http('POST', `${base}/users`, { form: { name: '  Alice  ' } });
      expect(answer.status).to.equal(202);
      expect(answer.body.result).to.equal(true);
      const user = answer.body.user;
      expect(user).to.have.all.keys('id', 'name', 'created_at', 'updated_at');
      expect(user.id).to.be.a('number').and.be.greaterThan(0);
      expect(user.name).to.equal('Alice');
      expect(Number.isInteger(user.created_at)).to.equal(true);
      expect(user.created_at).to.be.within(before, Date.now() * 1000 + 1);
      expect(user.updated_at).to.equal(user.created_at);
      expect(answer.headers.location).to.equal(`/users/${user.id}`);
      expect(answer.headers['x-job-id']).to.be.a('string').and.not.be.empty;
      expect(answer.body.job_id).to.equal(answer.headers['x-job-id']);
    });

    it('accepts JSON too, and the user lands in MySQL and in Mongo with identical fields', async () => {
      const answer = await http('POST', `${base}/users`, { json: { name: 'Bob' } });
      expect(answer.status).to.equal(202);
      const user = answer.body.user;
      const row = await eventually(() => mysqlUser(user.id), { what: 'the MySQL row' });
      expect({ ...row }).to.deep.equal(user);
      const doc = await eventually(
        async () =>
          (await pipeline.connections.mongo.db!.collection('users').findOne({ _id: user.id })) ??
          undefined,
        { what: 'the Mongo document' },
      );
      expect({
        id: doc._id,
        name: doc.name,
        created_at: doc.created_at,
        updated_at: doc.updated_at,
      }).to.deep.equal(user);
      expect(doc.version).to.equal(1);
    });

    it('gives each user its own id', async () => {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          http('POST', `${base}/users`, { json: { name: `u${i}` } }),
        ),
      );
      const ids = answers.map((a) => a.body.user.id);
      expect(new Set(ids).size).to.equal(20);
    });

    it('refuses a missing, empty or too long name with 400 naming the field, and enqueues nothing', async () => {
      const waitingBefore = await pipeline.connections.queueRedis.get(
        idCounterKey(pipeline.config.queue.prefix, 'users'),
      );
      for (const [body, message] of [
        [{}, 'name is required'],
        [{ name: '   ' }, 'name must not be empty'],
        [{ name: 'x'.repeat(201) }, 'name must be at most 200 characters'],
        [{ name: 'ok', admin: true }, 'unknown field admin'],
      ] as const) {
        const answer = await http('POST', `${base}/users`, { json: body });
        expect(answer.status, JSON.stringify(body)).to.equal(400);
        expect(answer.body).to.deep.include({ result: false, errors: [message] });
      }
      const waitingAfter = await pipeline.connections.queueRedis.get(
        idCounterKey(pipeline.config.queue.prefix, 'users'),
      );
      expect(waitingAfter).to.equal(waitingBefore);
    });

    it('accepts a name of exactly 200 characters', async () => {
      const answer = await http('POST', `${base}/users`, { json: { name: 'y'.repeat(200) } });
      expect(answer.status).to.equal(202);
    });

    it('answers malformed JSON and unsupported content types with a 4xx, not a 500', async () => {
      const broken = await http('POST', `${base}/users`, {
        raw: '{"name": ',
        headers: { 'content-type': 'application/json' },
      });
      expect(broken.status).to.equal(400);
      expect(broken.body.result).to.equal(false);
      const text = await http('POST', `${base}/users`, {
        raw: 'name=x',
        headers: { 'content-type': 'text/plain' },
      });
      expect(text.status).to.equal(415);
      expect(text.body.errors[0]).to.match(/content type/);
    });
  });

  describe('GET /users/{id}', () => {
    it('returns a persisted user', async () => {
      const created = await http('POST', `${base}/users`, {
        json: { name: 'Carol' },
        headers: { Prefer: 'wait=10' },
      });
      expect(created.status).to.equal(201);
      const answer = await http('GET', `${base}/users/${created.body.user.id}`);
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ result: true, user: created.body.user });
    });

    it('answers an unknown id with 404 and a message', async () => {
      const answer = await http('GET', `${base}/users/987654321`);
      expect(answer.status).to.equal(404);
      expect(answer.body.result).to.equal(false);
      expect(answer.body.errors).to.deep.equal(['user 987654321 not found']);
    });

    it('answers a non-numeric id with 400', async () => {
      const answer = await http('GET', `${base}/users/abc`);
      expect(answer.status).to.equal(400);
      expect(answer.body).to.deep.include({ result: false, errors: ['invalid id'] });
    });
  });

  describe('GET /users', () => {
    before(async () => {
      await pipeline.connections.mysql.query('DELETE FROM users');
      await emptyCache(pipeline.connections);
      for (let i = 1; i <= 12; i += 1) {
        await http('POST', `${base}/users`, {
          json: { name: `page-${i}` },
          headers: { Prefer: 'wait=10' },
        });
      }
    });

    it('pages newest first, 10 per page by default', async () => {
      const answer = await http('GET', `${base}/users`);
      expect(answer.status).to.equal(200);
      expect(answer.body.result).to.equal(true);
      expect(answer.body.users.map((u: { name: string }) => u.name)).to.deep.equal(
        Array.from({ length: 10 }, (_, i) => `page-${12 - i}`),
      );
    });

    it('honours page_num and page_size', async () => {
      const answer = await http('GET', `${base}/users?page_num=2&page_size=5`);
      expect(answer.body.users.map((u: { name: string }) => u.name)).to.deep.equal([
        'page-7',
        'page-6',
        'page-5',
        'page-4',
        'page-3',
      ]);
      const last = await http('GET', `${base}/users?page_num=3&page_size=5`);
      expect(last.body.users.map((u: { name: string }) => u.name)).to.deep.equal([
        'page-2',
        'page-1',
      ]);
    });

    it('breaks created_at ties by id, newest first', async () => {
      const now = Date.now() * 1000;
      await pipeline.connections.mysql.query(
        'INSERT INTO users (id, name, created_at, updated_at) VALUES (900001, ?, ?, ?), (900002, ?, ?, ?)',
        ['tie-a', now + 9e9, now + 9e9, 'tie-b', now + 9e9, now + 9e9],
      );
      await emptyCache(pipeline.connections);
      const answer = await http('GET', `${base}/users?page_size=2`);
      expect(answer.body.users.map((u: { id: number }) => u.id)).to.deep.equal([900002, 900001]);
      await pipeline.connections.mysql.query('DELETE FROM users WHERE id IN (900001, 900002)');
      await emptyCache(pipeline.connections);
    });

    it('refuses a bad page_num or page_size with 400 naming it', async () => {
      for (const [query, message] of [
        ['page_num=0', 'invalid page_num'],
        ['page_num=abc', 'invalid page_num'],
        ['page_size=0', 'invalid page_size'],
        ['page_size=101', 'invalid page_size'],
      ]) {
        const answer = await http('GET', `${base}/users?${query}`);
        expect(answer.status, query).to.equal(400);
        expect(answer.body).to.deep.include({ result: false, errors: [message] });
      }
    });
  });

  describe('GET /users?ids= (batch look-up, used by the public API)', () => {
    let users: { id: number; name: string }[];

    before(async () => {
      users = [];
      for (const name of ['batch-a', 'batch-b', 'batch-c']) {
        const created = await http('POST', `${base}/users`, {
          json: { name },
          headers: { Prefer: 'wait=10' },
        });
        users.push(created.body.user);
      }
    });

    it('returns the users asked for, in the order asked, leaving out unknown ids and repeats', async () => {
      const [a, b, c] = users;
      const answer = await http('GET', `${base}/users?ids=${c!.id},987654321,${a!.id},${c!.id}`);
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ result: true, users: [c, a] });
      const one = await http('GET', `${base}/users?ids=${b!.id}`);
      expect(one.body.users).to.deep.equal([b]);
    });

    it('reads through the cache, sharing one entry for the same ids in any order', async () => {
      const [a, b] = users;
      const first = await http('GET', `${base}/users?ids=${a!.id},${b!.id},555555555`);
      const again = await http('GET', `${base}/users?ids=555555555,${b!.id},${a!.id}`);
      expect(first.headers['x-cache']).to.equal('MISS');
      expect(again.headers['x-cache']).to.equal('HIT');
      expect(again.body.users).to.deep.equal([b, a]);
    });

    it('sees a user persisted after an earlier (cached) miss for its id', async () => {
      const counter = await pipeline.connections.queueRedis.get(
        idCounterKey(pipeline.config.queue.prefix, 'users'),
      );
      const nextId = Number(counter) + 1;
      const before = await http('GET', `${base}/users?ids=${nextId}`);
      expect(before.body.users).to.deep.equal([]);
      expect((await http('GET', `${base}/users?ids=${nextId}`)).headers['x-cache']).to.equal('HIT');
      const created = await http('POST', `${base}/users`, {
        json: { name: 'batch-late' },
        headers: { Prefer: 'wait=10' },
      });
      expect(created.body.user.id).to.equal(nextId);
      const after = await http('GET', `${base}/users?ids=${nextId}`);
      expect(after.body.users).to.deep.equal([created.body.user]);
    });

    it('accepts up to 100 ids and refuses more, or a malformed list, with 400 "invalid ids"', async () => {
      const hundred = Array.from({ length: 100 }, (_, i) => 800_000 + i).join(',');
      const ok = await http('GET', `${base}/users?ids=${hundred}`);
      expect(ok.status).to.equal(200);
      expect(ok.body.users).to.deep.equal([]);
      for (const ids of [`${hundred},900000`, '', '1,,2', '0', '-1', 'a', '1, 2', '1,2,']) {
        const answer = await http('GET', `${base}/users?ids=${encodeURIComponent(ids)}`);
        expect(answer.status, ids).to.equal(400);
        expect(answer.body).to.deep.include({ result: false, errors: ['invalid ids'] });
      }
    });

    it('refuses ids together with page_num or page_size', async () => {
      const answer = await http('GET', `${base}/users?ids=1&page_size=5`);
      expect(answer.status).to.equal(400);
      expect(answer.body).to.deep.include({
        result: false,
        errors: ['ids cannot be combined with page_num or page_size'],
      });
    });
  });
});
