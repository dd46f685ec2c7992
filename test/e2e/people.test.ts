import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { IdAllocator } from '../../shared/domain/ids/id-allocator.js';
import { QUEUE_NAMES } from '../../shared/infra/queues/queue-names.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { idCounterKey } from '../../shared/infra/redis/redis-keys.js';
import { emptyCache } from '../support/stores.js';

type Row = [number, string | null, string | null, number | null, string | null, string | null];

describe('people service (spec §2.6), HTTP in → MySQL row and Mongo document out', () => {
  let pipeline: Pipeline;
  let base: string;

  before(async () => {
    pipeline = await startPipeline();
    base = pipeline.urls.people;
  });
  after(() => pipeline.stop());

  /**
   * Puts rows straight into MySQL (the read tests need exact data), raises the
   * id counter past them as an import does, and drops cached reads.
   */
  async function seed(rows: readonly Row[]): Promise<void> {
    // Earlier tests' writes must be stored first, or one could land on a seeded id.
    const queue = pipeline.apps.queues.find((q) => q.name === QUEUE_NAMES.persistPeople)!;
    await eventually(async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0) ? true : undefined;
    });
    await pipeline.connections.mysql.query('DELETE FROM people');
    await pipeline.connections.mysql.query(
      'INSERT INTO people (id, first, last, age, github_acct, third_grade_graduation) VALUES ?',
      [rows],
    );
    const ids = new IdAllocator(pipeline.connections.queueRedis, pipeline.config.queue.prefix);
    await ids.ensureAbove('people', Math.max(...rows.map((row) => row[0])));
    await emptyCache(pipeline.connections);
  }

  async function mysqlPerson(id: number) {
    const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
      "SELECT id, first, last, age, github_acct, DATE_FORMAT(third_grade_graduation, '%Y-%m-%d') AS third_grade_graduation FROM people WHERE id = ?",
      [id],
    );
    return rows[0];
  }

  it('GET /ping answers pong as text', async () => {
    const answer = await http('GET', `${base}/ping`);
    expect(answer.status).to.equal(200);
    expect(answer.headers['content-type']).to.match(/^text\/plain/);
    expect(answer.text).to.equal('pong');
  });

  describe('POST /people', () => {
    it('accepts a form body with 202, the full person (absent fields null), Location and job id', async () => {
      const answer = await http('POST', `${base}/people`, {
        form: { first: ' Ada ', last: 'Lovelace', age: '', github_acct: 'ada' },
      });
      expect(answer.status).to.equal(202);
      const person = answer.body.person;
      expect(person).to.deep.equal({
        id: person.id,
        first: 'Ada',
        last: 'Lovelace',
        age: null,
        github_acct: 'ada',
        third_grade_graduation: null,
      });
      expect(person.id).to.be.a('number').and.greaterThan(0);
      expect(answer.headers.location).to.equal(`/people/${person.id}`);
      expect(answer.body.job_id).to.equal(answer.headers['x-job-id']).and.to.be.a('string');
    });

    it('accepts JSON; the person lands in MySQL and in Mongo with identical fields', async () => {
      const input = {
        first: 'Grace',
        last: 'Hopper',
        age: 85,
        github_acct: null,
        third_grade_graduation: '1916-06-15',
      };
      const answer = await http('POST', `${base}/people`, { json: input });
      expect(answer.status).to.equal(202);
      const person = answer.body.person;
      expect(person).to.deep.equal({ ...input, id: person.id });
      const row = await eventually(() => mysqlPerson(person.id), { what: 'the MySQL row' });
      expect({ ...row }).to.deep.equal(person);
      const doc = await eventually(
        async () =>
          (await pipeline.connections.mongo.db!.collection('people').findOne({ _id: person.id })) ??
          undefined,
        { what: 'the Mongo document' },
      );
      const { _id, version, deleted, ...fields } = doc;
      expect({ id: _id, ...fields }).to.deep.equal(person);
      expect(version).to.equal(1);
      expect(deleted).to.equal(false);
    });

    it('answers 201 once persisted when the client sends Prefer: wait', async () => {
      const answer = await http('POST', `${base}/people`, {
        json: { first: 'Alan', last: 'Turing' },
        headers: { Prefer: 'wait=10' },
      });
      expect(answer.status).to.equal(201);
      expect(await mysqlPerson(answer.body.person.id)).to.not.equal(undefined);
    });

    it('refuses bad fields with 400 naming each one, and takes no id', async () => {
      const counterKey = idCounterKey(pipeline.config.queue.prefix, 'people');
      const counterBefore = await pipeline.connections.queueRedis.get(counterKey);
      for (const [body, errors] of [
        [{}, ['first is required', 'last is required']],
        [{ first: 'A', last: 'B', age: 151 }, ['age must be at most 150']],
        [{ first: 'A', last: 'B', age: -1 }, ['age must be at least 0']],
        [{ first: 'A', last: 'B', age: '30.5' }, ['age must be an integer']],
        [{ first: 'A', last: 'B', age: 'thirty' }, ['age must be an integer']],
        [
          { first: 'A', last: 'B', third_grade_graduation: '2021-02-30' },
          ['third_grade_graduation must be a valid date'],
        ],
        [
          { first: 'A', last: 'B', third_grade_graduation: '6/14/05' },
          ['third_grade_graduation must be a valid date'],
        ],
        [
          { first: 'A\u0000', last: 'B' },
          ['first contains characters or a form that is not allowed'],
        ],
        [{ first: 'A', last: 'B', id: 5 }, ['unknown field id']],
        [{ first: 'x'.repeat(101), last: 'B' }, ['first must be at most 100 characters']],
      ] as const) {
        const answer = await http('POST', `${base}/people`, { json: body });
        expect(answer.status, JSON.stringify(body)).to.equal(400);
        expect(answer.body, JSON.stringify(body)).to.deep.include({ result: false, errors });
      }
      expect(await pipeline.connections.queueRedis.get(counterKey)).to.equal(counterBefore);
    });

    it('coerces form strings: an age given in a form is a number', async () => {
      const answer = await http('POST', `${base}/people`, {
        form: { first: 'Sam', last: 'Smith', age: '7' },
      });
      expect(answer.status).to.equal(202);
      expect(answer.body.person.age).to.equal(7);
    });

    it('answers malformed JSON and unsupported content types with a 4xx', async () => {
      const broken = await http('POST', `${base}/people`, {
        raw: '{"first": ',
        headers: { 'content-type': 'application/json' },
      });
      expect(broken.status).to.equal(400);
      const csv = await http('POST', `${base}/people`, {
        raw: 'first,last',
        headers: { 'content-type': 'text/csv' },
      });
      expect(csv.status).to.equal(415);
    });
  });

  describe('reads', () => {
    const PEOPLE: Row[] = [
      [3, 'Carol', 'Smith', 40, 'carol', '1992-06-01'],
      [1, 'Ann', 'Jones', 7, null, null],
      [5, 'Eve', 'smith', null, null, null],
      [2, 'Bob', 'Brown', 40, null, '2021-06-09'],
      [4, 'Dan', 'SMITH', 0, null, null],
      [6, 'Fay', null, null, null, null],
      [7, null, 'Smithers', 150, null, null],
    ];
    before(() => seed(PEOPLE));

    it('GET /people/{id} returns the person with every field; unknown → 404; bad id → 400', async () => {
      const answer = await http('GET', `${base}/people/3`);
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({
        result: true,
        person: {
          id: 3,
          first: 'Carol',
          last: 'Smith',
          age: 40,
          github_acct: 'carol',
          third_grade_graduation: '1992-06-01',
        },
      });
      const missing = await http('GET', `${base}/people/999`);
      expect(missing.status).to.equal(404);
      expect(missing.body).to.deep.include({ result: false, errors: ['person 999 not found'] });
      const bad = await http('GET', `${base}/people/abc`);
      expect(bad.status).to.equal(400);
      expect(bad.body).to.deep.include({ result: false, errors: ['invalid id'] });
    });

    it('GET /people pages by id ascending', async () => {
      const first = await http('GET', `${base}/people?page_size=3`);
      expect(first.status).to.equal(200);
      expect(first.body.result).to.equal(true);
      expect(first.body.people.map((p: { id: number }) => p.id)).to.deep.equal([1, 2, 3]);
      const third = await http('GET', `${base}/people?page_num=3&page_size=3`);
      expect(third.body.people.map((p: { id: number }) => p.id)).to.deep.equal([7]);
      const beyond = await http('GET', `${base}/people?page_num=9&page_size=3`);
      expect(beyond.body).to.deep.equal({ result: true, people: [] });
    });

    it('GET /people/age: youngest first, ties by id, people without an age last', async () => {
      const all = await http('GET', `${base}/people/age?page_size=100`);
      expect(all.status).to.equal(200);
      expect(all.body.people.map((p: { id: number }) => p.id)).to.deep.equal([4, 1, 2, 3, 7, 5, 6]);
      const page2 = await http('GET', `${base}/people/age?page_num=2&page_size=3`);
      expect(
        page2.body.people.map((p: { id: number; age: number | null }) => [p.id, p.age]),
      ).to.deep.equal([
        [3, 40],
        [7, 150],
        [5, null],
      ]);
    });

    it('refuses bad paging parameters with 400 naming them, on both lists', async () => {
      for (const path of ['/people', '/people/age']) {
        for (const [query, message] of [
          ['page_num=0', 'invalid page_num'],
          ['page_size=101', 'invalid page_size'],
          ['page_size=x', 'invalid page_size'],
          ['sort=age', 'unknown field sort'],
        ]) {
          const answer = await http('GET', `${base}${path}?${query}`);
          expect(answer.status, `${path}?${query}`).to.equal(400);
          expect(answer.body).to.deep.include({ result: false, errors: [message] });
        }
      }
    });

    it('GET /ids/lastname/{lastname}: ids ascending, case-insensitive, whole name only', async () => {
      const answer = await http('GET', `${base}/ids/lastname/smith`);
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ result: true, ids: [3, 4, 5] });
      const upper = await http('GET', `${base}/ids/lastname/SMITH`);
      expect(upper.body.ids).to.deep.equal([3, 4, 5]);
      const spaced = await http('GET', `${base}/ids/lastname/${encodeURIComponent('Van Rossum')}`);
      expect(spaced.body).to.deep.equal({ result: true, ids: [] });
    });

    it('GET /ids/lastname/{lastname}: unknown → empty list; too long → 400', async () => {
      const none = await http('GET', `${base}/ids/lastname/Nobody`);
      expect(none.status).to.equal(200);
      expect(none.body).to.deep.equal({ result: true, ids: [] });
      const long = await http('GET', `${base}/ids/lastname/${'x'.repeat(101)}`);
      expect(long.status).to.equal(400);
      expect(long.body).to.deep.include({ result: false, errors: ['invalid lastname'] });
    });

    it('serves repeated reads from the cache, and a new write shows up in the lists', async () => {
      const miss = await http('GET', `${base}/ids/lastname/Jones`);
      const hit = await http('GET', `${base}/ids/lastname/jones`);
      expect([miss.headers['x-cache'], hit.headers['x-cache']]).to.deep.equal(['MISS', 'HIT']);
      expect(hit.body.ids).to.deep.equal([1]);
      const created = await http('POST', `${base}/people`, {
        json: { first: 'Jim', last: 'Jones', age: 1 },
        headers: { Prefer: 'wait=10' },
      });
      expect(created.status).to.equal(201);
      const after = await http('GET', `${base}/ids/lastname/JONES`);
      expect(after.body.ids).to.deep.equal([1, created.body.person.id]);
      const byAge = await http('GET', `${base}/people/age?page_size=2`);
      expect(byAge.body.people.map((p: { id: number }) => p.id)).to.deep.equal([
        4,
        created.body.person.id,
      ]);
    });
  });
});
