import { Readable } from 'node:stream';
import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { idCounterKey } from '../../shared/infra/redis/redis-keys.js';
import { emptyCache } from '../support/stores.js';

const HEADER = 'ID,First,Last,Age,GithubAcct,Date of 3rd Grade Graduation';
const DATE_ERROR = 'third_grade_graduation "2/30/21" is not a date: expected M/D/YY or YYYY-MM-DD';

interface Expected {
  csv: string;
  goodIds: number[];
  problems: { line: number; kind: 'invalid' | 'duplicate'; errors: string[] }[];
  counts: { accepted: number; duplicate: number; invalid: number };
}

/**
 * A 10,000-row file with known defects: wrong column counts, out-of-range
 * ages, impossible dates, ids repeated within the file, ids already stored,
 * and one quoted field spanning two lines (so every later row sits one line
 * lower than its row number). The expected report is worked out row by row.
 */
function tenThousandRows(storedIds: ReadonlySet<number>): Expected {
  const lines = [HEADER];
  const expected: Expected = {
    csv: '',
    goodIds: [],
    problems: [],
    counts: { accepted: 0, duplicate: 0, invalid: 0 },
  };
  const firstLineOf = new Map<number, number>();
  let line = 1;
  for (let k = 1; k <= 10_000; k += 1) {
    line += 1;
    let id = 1000 + k;
    if (k % 101 === 0) id = 1000 + k - 50; // the id of an earlier row
    const age = k % 7 === 0 ? '' : String(k % 90);
    const github = k % 5 === 0 ? '' : `user-${k}`;
    const date =
      k % 3 === 0
        ? `${(k % 12) + 1}/${(k % 28) + 1}/${String(k % 100).padStart(2, '0')}`
        : k % 3 === 1
          ? '2004-02-29'
          : '';
    let row = `${id},First${k},Last${k % 50},${age},${github},${date}`;
    let invalid: string[] | undefined;
    if (k === 1234) {
      row = `${id},"Two\nLines",Last,1,,`;
      // Line breaks are legal inside a quoted CSV field; the name schema refuses them.
      invalid = ['first contains characters or a form that is not allowed'];
    } else if (k % 500 === 0) {
      row = `${id},Only,Three`;
      invalid = ['expected 6 columns, got 3'];
    } else if (k % 97 === 0) {
      row = `${id},First${k},Last,200,,`;
      invalid = ['age must be at most 150'];
    } else if (k % 211 === 0) {
      row = `${id},First${k},Last,,,2/30/21`;
      invalid = [DATE_ERROR];
    }
    lines.push(row);
    if (invalid) {
      expected.problems.push({ line, kind: 'invalid', errors: invalid });
      expected.counts.invalid += 1;
    } else if (firstLineOf.has(id)) {
      const errors = [`id ${id} already appears on line ${firstLineOf.get(id)}`];
      expected.problems.push({ line, kind: 'duplicate', errors });
      expected.counts.duplicate += 1;
    } else {
      firstLineOf.set(id, line);
      if (storedIds.has(id)) {
        expected.problems.push({ line, kind: 'duplicate', errors: [`id ${id} already exists`] });
        expected.counts.duplicate += 1;
      } else {
        expected.goodIds.push(id);
        expected.counts.accepted += 1;
      }
    }
    if (k === 1234) line += 1; // the quoted field's second line
  }
  expected.csv = `${lines.join('\n')}\n`;
  return expected;
}

describe('people CSV import (spec §2.6): POST /people/import', () => {
  let pipeline: Pipeline;
  let base: string;

  before(async () => {
    pipeline = await startPipeline();
    base = pipeline.urls.people;
  });
  after(() => pipeline.stop());
  beforeEach(async () => {
    await pipeline.connections.mysql.query('DELETE FROM people');
    await pipeline.connections.mongo.db!.collection('people').deleteMany({});
    await emptyCache(pipeline.connections);
  });

  function importCsv(csv: string, headers: Record<string, string> = {}) {
    return http('POST', `${base}/people/import`, {
      raw: csv,
      headers: { 'content-type': 'text/csv', ...headers },
    });
  }

  async function storedIds(): Promise<number[]> {
    const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
      'SELECT id FROM people ORDER BY id',
    );
    return rows.map((row) => Number(row.id));
  }

  async function mongoIds(): Promise<number[]> {
    const docs = await pipeline.connections.mongo
      .db!.collection('people')
      .find({}, { projection: { _id: 1 } })
      .toArray();
    return docs.map((doc) => Number(doc._id)).sort((a, b) => a - b);
  }

  it('imports 10,000 rows with an exact per-line report; exactly the good rows reach MySQL and Mongo', async function () {
    this.timeout(240_000);
    const stored = [1300, 1301, 1302, 1303, 1304];
    await pipeline.connections.mysql.query('INSERT INTO people (id, first, last) VALUES ?', [
      stored.map((id) => [id, 'Already', 'Here']),
    ]);
    const expected = tenThousandRows(new Set(stored));
    expect(expected.counts.accepted + expected.counts.duplicate + expected.counts.invalid).to.equal(
      10_000,
    );

    const answer = await importCsv(expected.csv);
    expect(answer.status, answer.text.slice(0, 500)).to.equal(202);
    expect(answer.body.result).to.equal(true);
    expect(answer.body.counts).to.deep.equal(expected.counts);
    expect(answer.body.problems).to.deep.equal(expected.problems);
    expect(answer.body.problems_omitted).to.equal(0);
    expect(answer.body.complete).to.equal(true);

    const wanted = [...expected.goodIds, ...stored].sort((a, b) => a - b);
    await eventually(
      async () => ((await storedIds()).length === wanted.length ? true : undefined),
      {
        timeoutMs: 100_000,
        intervalMs: 250,
        what: 'every good row in MySQL',
      },
    );
    expect(await storedIds()).to.deep.equal(wanted);
    await eventually(
      async () => ((await mongoIds()).length === expected.goodIds.length ? true : undefined),
      { timeoutMs: 100_000, intervalMs: 250, what: 'every good row in Mongo' },
    );
    expect(await mongoIds()).to.deep.equal([...expected.goodIds].sort((a, b) => a - b));

    const row3 = await http('GET', `${base}/people/1003`);
    expect(row3.body.person).to.deep.equal({
      id: 1003,
      first: 'First3',
      last: 'Last3',
      age: 3,
      github_acct: 'user-3',
      third_grade_graduation: '2003-04-04',
    });
    const already = await http('GET', `${base}/people/1300`);
    expect(already.body.person.first, 'a stored id is never updated by an import').to.equal(
      'Already',
    );
  });

  it('lists at most 1000 problems but keeps the counts exact', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => `${100_001 + i},A,B,old,,`);
    const answer = await importCsv([HEADER, ...rows, '109999,Good,Row,,,'].join('\n'));
    expect(answer.status).to.equal(202);
    expect(answer.body.counts).to.deep.equal({ accepted: 1, duplicate: 0, invalid: 1500 });
    expect(answer.body.problems).to.have.length(1000);
    expect(answer.body.problems[0]).to.deep.equal({
      line: 2,
      kind: 'invalid',
      errors: ['age must be an integer'],
    });
    expect(answer.body.problems[999].line).to.equal(1001);
    expect(answer.body.problems_omitted).to.equal(500);
  });

  it('treats an id already stored as a duplicate: importing a file twice changes nothing', async () => {
    const csv = [HEADER, '200041,Ann,Lee,30,,', '200042,Bob,Lee,,,'].join('\n');
    const first = await importCsv(csv);
    expect(first.body.counts).to.deep.equal({ accepted: 2, duplicate: 0, invalid: 0 });
    await eventually(async () => ((await storedIds()).includes(200042) ? true : undefined));
    const again = await importCsv(csv.replace('Ann', 'Changed'));
    expect(again.body.counts).to.deep.equal({ accepted: 0, duplicate: 2, invalid: 0 });
    expect(again.body.problems).to.deep.equal([
      { line: 2, kind: 'duplicate', errors: ['id 200041 already exists'] },
      { line: 3, kind: 'duplicate', errors: ['id 200042 already exists'] },
    ]);
    expect((await http('GET', `${base}/people/200041`)).body.person.first).to.equal('Ann');
  });

  it('treats an id that is still queued as a duplicate too', async () => {
    await pipeline.stopWorkers();
    try {
      const csv = [HEADER, '300077,Queued,Once,,,'].join('\n');
      expect((await importCsv(csv)).body.counts.accepted).to.equal(1);
      const again = await importCsv(csv);
      expect(again.body.problems).to.deep.equal([
        { line: 2, kind: 'duplicate', errors: ['id 300077 is already queued for writing'] },
      ]);
    } finally {
      pipeline.startWorkers();
    }
    await eventually(async () => ((await storedIds()).includes(300077) ? true : undefined));
  });

  it('raises the id counter past imported ids: POST /people never takes one of them', async () => {
    const answer = await importCsv([HEADER, '500000,Big,Id,,,'].join('\n'));
    expect(answer.body.counts.accepted).to.equal(1);
    // Waits for persistence, so this write cannot land after the next test has emptied the table.
    const created = await http('POST', `${base}/people`, {
      json: { first: 'New', last: 'Person' },
      headers: { Prefer: 'wait=10' },
    });
    expect(created.status).to.equal(201);
    expect(created.body.person.id).to.be.greaterThan(500000);
  });

  it('accepts a header in another case, a BOM, CRLF line ends and blank lines', async () => {
    const csv = `\uFEFF${HEADER.toUpperCase()}\r\n600061,A,B,,,\r\n\r\n600062,C,D,,,6/1/99\r\n`;
    const answer = await importCsv(csv);
    expect(answer.status).to.equal(202);
    expect(answer.body.counts).to.deep.equal({ accepted: 2, duplicate: 0, invalid: 0 });
    await eventually(async () => ((await storedIds()).length === 2 ? true : undefined));
    expect(
      (await http('GET', `${base}/people/600062`)).body.person.third_grade_graduation,
    ).to.equal('1999-06-01');
  });

  describe('hostile or broken files: a 4xx or reported rows, never a 500', () => {
    it('an unterminated quote: rows before it are imported, the rest is reported unread', async () => {
      const answer = await importCsv([HEADER, '700001,A,B,,,', '2,"A,B,,,', '3,C,D,,,'].join('\n'));
      expect(answer.status).to.equal(202);
      expect(answer.body.counts).to.deep.equal({ accepted: 1, duplicate: 0, invalid: 1 });
      expect(answer.body.complete).to.equal(false);
      expect(answer.body.problems).to.have.length(1);
      expect(answer.body.problems[0].line).to.equal(3);
      expect(answer.body.problems[0].errors[0]).to.match(/^unterminated quoted field/);
    });

    it('a misplaced quote or wrong column count: that row is reported, the next rows import', async () => {
      const answer = await importCsv(
        [HEADER, '1,A"b,C,,,', '2,A,B', '3,A,B,,,,,', '700004,C,D,,,'].join('\n'),
      );
      expect(answer.body.counts).to.deep.equal({ accepted: 1, duplicate: 0, invalid: 3 });
      expect(answer.body.problems.map((p: { line: number }) => p.line)).to.deep.equal([2, 3, 4]);
      expect(answer.body.problems[0].errors[0]).to.match(/^misplaced quote/);
      expect(answer.body.problems[1].errors).to.deep.equal(['expected 6 columns, got 3']);
      expect(answer.body.problems[2].errors).to.deep.equal(['expected 6 columns, got 8']);
    });

    it('NUL bytes: a row with one is invalid; a header with one is refused with 400', async () => {
      const row = await importCsv([HEADER, '1,A\u0000,B,,,', '700012,C,D,,,'].join('\n'));
      expect(row.body.counts).to.deep.equal({ accepted: 1, duplicate: 0, invalid: 1 });
      expect(row.body.problems[0]).to.deep.equal({
        line: 2,
        kind: 'invalid',
        errors: ['row contains control characters (such as NUL)'],
      });
      const header = await importCsv(
        `ID\u0000,First,Last,Age,GithubAcct,Date of 3rd Grade Graduation\n1,A,B,,,`,
      );
      expect(header.status).to.equal(400);
      expect(header.body.errors[0]).to.match(/^invalid CSV header/);
    });

    it('a huge field: the row is reported and reading stops there, without buffering the rest', async () => {
      const answer = await importCsv(
        [HEADER, '700021,A,B,,,', `2,${'x'.repeat(200_000)},B,,,`, '3,C,D,,,'].join('\n'),
      );
      expect(answer.status).to.equal(202);
      expect(answer.body.counts).to.deep.equal({ accepted: 1, duplicate: 0, invalid: 1 });
      expect(answer.body.complete).to.equal(false);
      expect(answer.body.problems[0].line).to.equal(3);
      expect(answer.body.problems[0].errors[0]).to.match(/^row is longer than 65536 bytes/);
    });

    it('binary garbage, an empty body or a file without the header: 400, nothing queued', async () => {
      const counterKey = idCounterKey(pipeline.config.queue.prefix, 'people');
      const counterBefore = await pipeline.connections.queueRedis.get(counterKey);
      const garbage = Buffer.from(
        Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256),
      ).toString('latin1');
      for (const [body, pattern] of [
        [garbage, /^invalid CSV header|^the CSV could not be read/],
        ['', /^empty CSV/],
        ['1,Ada,Lovelace,,,\n', /^invalid CSV header/],
      ] as const) {
        const answer = await importCsv(body);
        expect(answer.status, body.slice(0, 20)).to.equal(400);
        expect(answer.body.result).to.equal(false);
        expect(answer.body.errors[0]).to.match(pattern);
      }
      expect(await pipeline.connections.queueRedis.get(counterKey)).to.equal(counterBefore);
    });

    it('a header and no rows: 202 with zero counts', async () => {
      const answer = await importCsv(`${HEADER}\n`);
      expect(answer.status).to.equal(202);
      expect(answer.body.counts).to.deep.equal({ accepted: 0, duplicate: 0, invalid: 0 });
    });

    it('refuses a body that is not text/csv with 415', async () => {
      const answer = await http('POST', `${base}/people/import`, { json: { rows: [] } });
      expect(answer.status).to.equal(415);
      expect(answer.body.errors).to.deep.equal([
        'unsupported content type: send the file as text/csv',
      ]);
    });
  });
});

describe('people CSV import body limit (PEOPLE_IMPORT_MAX_BYTES)', () => {
  let pipeline: Pipeline;

  before(async () => {
    pipeline = await startPipeline({ config: { PEOPLE_IMPORT_MAX_BYTES: '2048' } });
  });
  after(() => pipeline.stop());

  const rows = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => `${from + i},First,Last,,,`).join('\n');

  it('refuses a declared Content-Length over the limit with 413 before reading anything', async () => {
    const answer = await http('POST', `${pipeline.urls.people}/people/import`, {
      raw: `${HEADER}\n${rows(1, 200)}`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(answer.status).to.equal(413);
    expect(answer.body.errors).to.deep.equal(['request body too large: the limit is 2048 bytes']);
  });

  it('stops a streamed (chunked) body at the limit with 413, and still allows a body under it', async () => {
    const { request } = await import('undici');
    async function* chunks() {
      yield `${HEADER}\n`;
      for (let i = 0; i < 20; i += 1) yield `${rows(1000 + i * 10, 10)}\n`;
    }
    const response = await request(`${pipeline.urls.people}/people/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: Readable.from(chunks()),
    });
    const body = (await response.body.json()) as { errors: string[] };
    expect(response.statusCode).to.equal(413);
    expect(body.errors[0]).to.match(/^request body too large: the limit is 2048 bytes/);
    const small = await http('POST', `${pipeline.urls.people}/people/import`, {
      raw: `${HEADER}\n${rows(1, 5)}`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(small.status).to.equal(202);
    expect(small.body.counts.accepted).to.equal(5);
  });
});
